import * as z from "zod";
import {
  type CallbackEvent,
  type DirectoryChange,
  type EventOptions,
  epochToIso,
  parseJsonEvent,
  readEvent,
  stableEventId,
} from "./change.ts";
import { CallbackVerificationError } from "./errors.ts";

/** DingTalk contact event types and what they mean to the directory (PROTOCOLS §7.1.2). */
const DINGTALK_CHANGES: Record<string, Pick<DirectoryChange, "kind" | "action">> = {
  user_add_org: { kind: "user", action: "created" },
  user_modify_org: { kind: "user", action: "updated" },
  user_active_org: { kind: "user", action: "updated" },
  user_leave_org: { kind: "user", action: "deleted" },
  org_dept_create: { kind: "department", action: "created" },
  org_dept_modify: { kind: "department", action: "updated" },
  org_dept_remove: { kind: "department", action: "deleted" },
};

const idList = z.preprocess(
  (value) => (Array.isArray(value) || value === undefined ? value : [value]),
  z.array(z.union([z.string().min(1), z.number().int().transform(String)])).optional(),
);
const epoch = z.union([z.string(), z.number()]).optional();

/** The decrypted HTTP payload, keys lower-cased: both shapes (`UserId`/`userId`…) read alike. */
const DingTalkEventSchema = z.looseObject({
  eventtype: z.string().min(1),
  eventid: z.string().min(1).optional(),
  userid: idList,
  deptid: idList,
  timestamp: epoch,
  eventtime: epoch,
});

function lowerKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  // Own keys only, into a null-prototype object: a payload key "__proto__" stays a plain key.
  const lowered: Record<string, unknown> = Object.create(null);
  for (const [key, entry] of Object.entries(value)) lowered[key.toLowerCase()] ??= entry;
  return lowered;
}

/**
 * Reads a decrypted DingTalk HTTP-push payload: `check_url` is a handshake, the seven contact
 * events become one change per id, anything else (labels, admins, org) is acknowledged unqueued.
 */
export function parseDingTalkEvent(plaintext: string, options: EventOptions = {}): CallbackEvent {
  const event = readEvent(DingTalkEventSchema, lowerKeys(parseJsonEvent(plaintext, "DingTalk")), "DingTalk");
  const upstreamType = event.eventtype;
  if (upstreamType === "check_url") return { result: "handshake", upstreamType };
  // Legacy payloads carry no eventId; the plaintext (which holds TimeStamp) is stable across retries.
  const eventId = event.eventid ?? stableEventId("dingtalk", plaintext);
  const meaning = DINGTALK_CHANGES[upstreamType];
  if (meaning === undefined) return { result: "changes", upstreamType, eventId, changes: [] };
  const ids = (meaning.kind === "user" ? event.userid : event.deptid) ?? [];
  if (ids.length === 0) {
    const field = meaning.kind === "user" ? "UserId" : "DeptId";
    throw new CallbackVerificationError("malformed", `DingTalk ${upstreamType} event names no ${field}`);
  }
  const time = event.timestamp ?? event.eventtime;
  const occurredAt =
    time === undefined ? (options.now ?? (() => new Date()))().toISOString() : epochToIso(time, "DingTalk");
  const changes = ids.map((id) => ({
    ...meaning,
    id,
    occurredAt,
    upstream: { type: upstreamType, eventId },
  }));
  return { result: "changes", upstreamType, eventId, changes };
}
