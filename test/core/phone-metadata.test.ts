import { createRequire } from "node:module";
import { parseMobile } from "@dirgate/core";
import { parsePhoneNumberFromString as parseFull } from "libphonenumber-js";
import { type MetadataJson, parsePhoneNumberFromString as parseCore } from "libphonenumber-js/core";
import { describe, expect, it } from "vitest";
import committed from "../../packages/core/src/phone-metadata.json" with { type: "json" };
// @ts-expect-error: a plain .mjs script, no types
import { parseOnlyMetadata } from "../../scripts/phone-metadata.mjs";

/**
 * The phone metadata dirgate bundles (libphonenumber-js "min" without number formats) is that
 * derivation of the installed libphonenumber-js, and parses every number as the full "min" does.
 */
const require = createRequire(import.meta.url);
const min = require("libphonenumber-js/metadata.min.json") as MetadataJson & {
  countries: Record<string, unknown[]>;
};
const examples = require("libphonenumber-js/examples.mobile.json") as Record<string, string>;
const trimmed = committed as unknown as MetadataJson;

describe("phone metadata", () => {
  it("is the installed libphonenumber-js's min metadata without formats (run scripts/phone-metadata.mjs after an upgrade)", () => {
    expect(committed).toEqual(parseOnlyMetadata(min));
    expect(JSON.stringify(committed).length).toBeLessThan(JSON.stringify(min).length / 2);
  });

  it("parses as the full min metadata: country, calling code, national number, possible, on every country's numbers and 20 000 random ones", () => {
    const inputs = new Set<string>([
      "13800138000",
      "+86 138 0013 8000",
      "+41 44 668 18 00",
      "010 6552 9988",
      "+852 5123 4567",
    ]);
    for (const [country, national] of Object.entries(examples)) {
      const [callingCode, , , , , nationalPrefix] = min.countries[country]! as string[];
      for (const n of [national, national.slice(0, -1), `${national}1`, national.slice(1)]) {
        inputs.add(`+${callingCode}${n}`);
        inputs.add(`+${callingCode} ${n}`);
        if (nationalPrefix) inputs.add(`+${callingCode}${nationalPrefix}${n}`);
        inputs.add(n);
      }
    }
    let state = 0x9e3779b9 | 0;
    const random = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 4294967296;
    };
    for (let i = 0; i < 20_000; i += 1) {
      let text = random() < 0.7 ? "+" : "";
      const length = 3 + Math.floor(random() * 14);
      for (let j = 0; j < length; j += 1) text += Math.floor(random() * 10);
      inputs.add(text);
    }
    const view = (p: ReturnType<typeof parseFull>) =>
      p && {
        number: p.number,
        callingCode: p.countryCallingCode,
        national: p.nationalNumber,
        country: p.country,
        possible: p.isPossible(),
      };
    const differ: string[] = [];
    let possible = 0;
    for (const input of inputs) {
      const full = view(parseFull(input, "CN"));
      if (full?.possible) possible += 1;
      if (JSON.stringify(full) !== JSON.stringify(view(parseCore(input, "CN", trimmed)))) differ.push(input);
    }
    expect(differ).toEqual([]);
    expect(possible).toBeGreaterThan(5_000);
  });

  it("is what parseMobile uses", () => {
    expect(parseMobile("+41 44 668 18 00")).toEqual({
      e164: "+41446681800",
      countryCode: "41",
      nationalNumber: "446681800",
    });
    expect(parseMobile("+852 5123 4567")).toMatchObject({ countryCode: "852", nationalNumber: "51234567" });
  });
});
