import { type MetadataJson, parsePhoneNumberFromString } from "libphonenumber-js/core";
import { DirgateError } from "./errors.ts";
// libphonenumber-js's smallest ("min") metadata without the number formats, which only formatting
// uses: 33 KB of the bundle instead of 83 KB, the same parse for every country
// (scripts/phone-metadata.mjs writes it; test/core/phone-metadata.test.ts checks both).
import metadataJson from "./phone-metadata.json" with { type: "json" };

const metadata = metadataJson as unknown as MetadataJson;

/** A phone number in the three forms callers need. */
export interface Mobile {
  /** `+8613800138000` */
  e164: string;
  /** Country calling code without `+`: `86`, `852`, `41`. */
  countryCode: string;
  /** The national significant number: `13800138000`. */
  nationalNumber: string;
}

/**
 * Parses a mobile number as people write it: `13800138000`, `+86 138 0013 8000`,
 * `+86-13800138000`, `+41 44 668 18 00`, `0086 138…`. Numbers without a country code are taken as
 * mainland China (the providers' default). Full-width forms are read as their ASCII ones. Anything
 * that is not a possible number → INVALID_REQUEST.
 */
export function parseMobile(input: string, defaultCountry: "CN" = "CN"): Mobile {
  // NFKC first: full-width digits and plus signs (１３８…, ＋８６), as Chinese input methods type them.
  const cleaned = input
    .normalize("NFKC")
    .trim()
    .replace(/^00(?=[1-9])/, "+");
  // Fast path for the common case, a mainland mobile (1[3-9] + 9 digits), with or without +86:
  // the same answer libphonenumber gives, without its general parser on every mapped user.
  const mainland = /^(?:\+86)?(1[3-9]\d{9})$/.exec(cleaned.replace(/[\s-]/g, ""));
  if (mainland) return { e164: `+86${mainland[1]}`, countryCode: "86", nationalNumber: mainland[1]! };
  const parsed = /^[+\d][\d\s\-().]*$/.test(cleaned)
    ? parsePhoneNumberFromString(cleaned, defaultCountry, metadata)
    : undefined;
  if (!parsed?.isPossible()) {
    throw new DirgateError("INVALID_REQUEST", "mobile is not a possible phone number", {
      details: [
        { path: "mobile", message: "expected a phone number such as 13800138000 or +86 138 0013 8000" },
      ],
    });
  }
  return {
    e164: parsed.number,
    countryCode: parsed.countryCallingCode,
    nationalNumber: parsed.nationalNumber,
  };
}

/** Parses a number as a provider sent it; undefined when it is not one (never throws). */
export function tryParseMobile(input: string | undefined | null, countryCode?: string): Mobile | undefined {
  if (!input) return undefined;
  const prefixed =
    countryCode && !input.startsWith("+") ? `+${countryCode}${input.replace(/^0+/, "")}` : input;
  try {
    return parseMobile(prefixed.replace(/^\+(\d{1,4})-/, "+$1"));
  } catch {
    return undefined;
  }
}

/** `138****8000`: enough to recognise in a log, not enough to call. */
export function maskMobile(mobile: string): string {
  const digits = mobile.replace(/\D/g, "");
  if (digits.length < 7) return "****";
  const national = digits.length > 11 ? digits.slice(-11) : digits;
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}

/**
 * The form DingTalk and EIAM take a mobile in: mainland numbers as their 11 digits, others as
 * `+852-51234567`.
 */
export function toDashedMobile(mobile: Mobile): string {
  return mobile.countryCode === "86"
    ? mobile.nationalNumber
    : `+${mobile.countryCode}-${mobile.nationalNumber}`;
}
