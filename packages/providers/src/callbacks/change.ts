import { createHash } from "node:crypto";
import type * as z from "zod";
import { CallbackVerificationError } from "./errors.ts";

/** One directory change named by a provider event; a provider event can yield several. */
export interface DirectoryChange {
  kind: "user" | "department";
  action: "created" | "updated" | "deleted";
  /** The id the directory knew before the event (for a rename, the old one). */
  id: string;
  /** Set when the event renamed the id (WeCom `NewUserID`, a changed Feishu `user_id`). */
  newId?: string;
  /**
   * The kind of id `id` is when it is not the provider's default (Feishu falls back to `open_id` /
   * `open_department_id` when the app may not read `user_id` / `department_id`).
   */
  idType?: "openId" | "openDepartmentId";
  /** ISO 8601, from the provider's own event time. */
  occurredAt: string;
  /** The provider's event type and id: dedupe on `eventId` + `id` (retries repeat both). */
  upstream: { type: string; eventId: string };
}

/** A URL-verification request: answer it, do not queue it. */
export interface CallbackHandshake {
  result: "handshake";
  upstreamType: string;
  /** Feishu: the value to echo back as `{"challenge": …}`. */
  challenge?: string;
  /** Feishu: the Verification Token the receiver must compare with its own. */
  token?: string;
}

/** A delivered event; `changes` is empty for events that are not contact changes (acknowledge them). */
export interface CallbackChanges {
  result: "changes";
  upstreamType: string;
  eventId: string;
  /** Feishu: `header.token`, for the receiver's Verification Token check. */
  token?: string;
  changes: DirectoryChange[];
}

/** What a decrypted callback means to dirgate. */
export type CallbackEvent = CallbackHandshake | CallbackChanges;

/** Injectable clock for events that carry no time of their own. */
export interface EventOptions {
  now?: () => Date;
}

/** Validates a decrypted payload; a shape we cannot read is a typed error, never a crash. */
export function readEvent<T extends z.ZodType>(schema: T, value: unknown, provider: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "(root)";
    throw new CallbackVerificationError("malformed", `${provider} event: unexpected shape at ${where}`);
  }
  return parsed.data;
}

/** JSON.parse that fails as a typed error. */
export function parseJsonEvent(plaintext: string, provider: string): unknown {
  try {
    return JSON.parse(plaintext);
  } catch (cause) {
    throw new CallbackVerificationError("malformed", `${provider} event is not JSON`, { cause });
  }
}

/**
 * Epoch value of unknown unit → ISO 8601. Providers mix seconds (WeCom), milliseconds (DingTalk,
 * Feishu docs) and microseconds (Feishu SDK sample, PROTOCOLS §7.2.6): the magnitude tells which.
 */
export function epochToIso(value: string | number, provider: string): string {
  const n = typeof value === "number" ? value : /^\d{1,19}$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) {
    throw new CallbackVerificationError("malformed", `${provider} event time is not an epoch number`);
  }
  const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1000 : n / 1e6;
  return new Date(Math.floor(ms)).toISOString();
}

/** A stable event id for providers that send none: the same inputs always give the same id. */
export function stableEventId(...parts: string[]): string {
  const hash = createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  return `sha256:${hash.slice(0, 32)}`;
}
