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

/** Ids go into upstream URLs and bodies: printable, no control characters, bounded. */
export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^\P{Cc}+$/u, "must not contain control characters");

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
