import { DirgateError } from "@dirgate/core";
import * as z from "zod";

/**
 * Lenient readers for upstream values. DingTalk's own doc examples carry booleans, numbers, arrays
 * and objects as strings (`"admin":"true"`, `"dept_id_list":"[2,3,4]"`), and single objects where
 * the API sends arrays (`"role_list":{…}`): both forms parse to the same value.
 */
export const boolish = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

export const numish = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

export const strish = z.union([z.string(), z.number().transform(String)]);

function parseJsonString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** An array, a JSON string of one, or a single object standing for a one-element array. */
export function listish<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => {
    const parsed = parseJsonString(value);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? [parsed] : parsed;
  }, z.array(item));
}

/** An object or a JSON string of one. */
export const objectish = z.preprocess(parseJsonString, z.record(z.string(), z.unknown()));

/**
 * DingTalk 1.0 maps such as `"{2:1,3:2}"` or `"{1:true}"`: JSON with unquoted numeric keys.
 */
export const looseMap = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    const quoted = value.replace(/([{,]\s*)(-?\d+)\s*:/g, '$1"$2":');
    return parseJsonString(quoted);
  },
  z.record(z.string(), z.unknown()),
);

/** Validates an upstream payload; a shape we cannot read is an upstream error, not a crash. */
export function readUpstream<T extends z.ZodType>(schema: T, value: unknown, name: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "(root)";
    throw new DirgateError("UPSTREAM_ERROR", `${name}: unexpected answer from upstream at ${where}`);
  }
  return parsed.data;
}

/** An object with at least one key, or undefined. */
export function compactRecord(
  value: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  return value && Object.keys(value).length > 0 ? value : undefined;
}
