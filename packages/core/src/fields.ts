import { isIP } from "node:net";
import * as z from "zod";

/**
 * Field schemas shared by the operation descriptors: each is defined once, and the OpenAPI
 * document, the HTTP routes, direct invocation and the batch all read them through the operations.
 */

/** A connection id is one path segment: letters, digits, `-` and `_`. No way to another secret name. */
export const ConnectionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "letters, digits, - and _ only (at most 64)")
  .describe("The connection (one provider app in one organisation)");

export const LANGUAGES = ["zh_CN", "en_US"] as const;
export const LanguageSchema = z.enum(LANGUAGES).describe("The language of names (DingTalk)");

export const ID_TYPES = ["userId", "loginId", "openId", "unionId"] as const;
export type IdType = (typeof ID_TYPES)[number];

export const DEPARTMENT_ID_TYPES = ["departmentId", "openDepartmentId"] as const;

/**
 * Ids go into upstream URLs and bodies: printable, no control characters, bounded, and never a dot
 * segment (`.`, `..`: URL-encoding leaves them as they are and the URL parser would resolve them
 * into another upstream endpoint).
 */
export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^\P{Cc}+$/u, "must not contain control characters")
  .refine((id) => id !== "." && id !== "..", "must not be . or ..");

export const IncludeSchema = z
  .enum(["raw"])
  .optional()
  .describe("include=raw adds the upstream record (sensitive fields removed)");

export const PageSizeSchema = z
  .number()
  .int()
  .min(1)
  .max(100)
  .default(50)
  .describe("1–100, default 50; clamped to the provider's maximum (Feishu 50)");

export const PageTokenSchema = z
  .string()
  .min(1)
  .max(2048)
  .optional()
  .describe("nextPageToken of the previous page");

/**
 * A connection's `baseUrl`, checked before any request goes there (a secret's value must not steer
 * the app's credentials to a host of its choosing). Allowed: `https://host[:port][/path]`, the host a
 * DNS name or a public IPv4 address, without user info, query, fragment or dot segments, written as
 * the URL parser reads it. Loopback (`http(s)://127.0.0.1`, `localhost`, `[::1]`) is the sandbox's
 * form: this schema accepts it, and the connection store refuses it unless the function enables the
 * sandbox (`DIRGATE_ALLOW_LOOPBACK_BASE_URL`). Private, link-local and other special addresses never
 * pass. (A DNS name is not resolved here: the host's owner decides where it points.)
 */
export function baseUrlProblem(value: string, options: { allowLoopback: boolean }): string | undefined {
  if (/[\s\\?#@]/.test(value) || /\p{Cc}/u.test(value)) {
    return "must be an https URL without user info, query, fragment, spaces or backslashes";
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an https URL";
  }
  if (url.username || url.password || url.search || url.hash) {
    return "must be an https URL without user info, query or fragment";
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) return "must be an https URL";
  // As the URL parser reads it: no dot segments, no percent-encoded dots, no numeric host tricks.
  const written = value.replace(/\/+$/, "").replace(/^(https:\/\/[^/]+):443(?=\/|$)/i, "$1");
  const read = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "");
  if (written.toLowerCase() !== read.toLowerCase()) {
    return "must be written as a plain URL (no dot segments, encoded characters or numeric host forms)";
  }
  if (loopback) return options.allowLoopback ? undefined : "may be a loopback address only in the sandbox";
  if (specialAddress(url.hostname)) return "must not be a private, link-local or reserved address";
  return undefined;
}

/** `127.0.0.0/8`, `::1`, `localhost` and `*.localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** An IP literal that is not a public unicast address (every IPv6 literal but ::1 counts). */
function specialAddress(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  const family = isIP(host);
  if (family === 6) return true;
  if (family !== 4) return false;
  const [a = 0, b = 0, c = 0] = host.split(".").map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224
  );
}

/** The `baseUrl` field: the forms `baseUrlProblem` allows (loopback decided by the connection store). */
export const BaseUrlSchema = z.string().superRefine((value, ctx) => {
  const problem = baseUrlProblem(value, { allowLoopback: true });
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
