import * as z from "zod";
import { type CallbackEvent, type DirectoryChange, epochToIso, parseJsonEvent, readEvent } from "./change.ts";
import { CallbackVerificationError } from "./errors.ts";

/** Feishu contact v3 event types and what they mean to the directory (PROTOCOLS §7.2.6). */
const FEISHU_CHANGES: Record<string, Pick<DirectoryChange, "kind" | "action">> = {
  "contact.user.created_v3": { kind: "user", action: "created" },
  "contact.user.updated_v3": { kind: "user", action: "updated" },
  "contact.user.deleted_v3": { kind: "user", action: "deleted" },
  "contact.department.created_v3": { kind: "department", action: "created" },
  "contact.department.updated_v3": { kind: "department", action: "updated" },
  "contact.department.deleted_v3": { kind: "department", action: "deleted" },
};

const ContactObjectSchema = z.looseObject({
  user_id: z.string().optional(),
  open_id: z.string().optional(),
  department_id: z.string().optional(),
  open_department_id: z.string().optional(),
});

const V2EventSchema = z.looseObject({
  schema: z.literal("2.0"),
  header: z.looseObject({
    event_id: z.string().min(1),
    event_type: z.string().min(1),
    create_time: z.union([z.string(), z.number()]),
    token: z.string().optional(),
  }),
  event: z.looseObject({
    object: ContactObjectSchema.optional(),
    old_object: ContactObjectSchema.optional(),
  }),
});
const ChallengeSchema = z.looseObject({ challenge: z.string(), token: z.string().optional() });
const V1EventSchema = z.looseObject({
  uuid: z.string().min(1),
  token: z.string().optional(),
  event: z.looseObject({ type: z.string().min(1) }),
});

type ContactObject = z.infer<typeof ContactObjectSchema>;

/** The id dirgate keys on (`user_id`) when the app may read it, else the always-present open id. */
function idOf(kind: DirectoryChange["kind"], object: ContactObject | undefined): string | undefined {
  const id =
    kind === "user"
      ? object?.user_id || object?.open_id
      : object?.department_id || object?.open_department_id;
  return id || undefined;
}

/**
 * Reads a decrypted Feishu body: `url_verification` is a handshake exposing challenge and token,
 * contact v3 events become one change, other events (and v1 ones) are acknowledged unqueued. The
 * caller compares `token` with its Verification Token.
 */
export function parseFeishuEvent(plaintext: string): CallbackEvent {
  const body = parseJsonEvent(plaintext, "Feishu") as { type?: unknown; schema?: unknown } | null;
  // A v2 envelope wins over a stray `type`: F3 (oapi-sdk-go's test) carries both, and a handshake is
  // the branch a receiver answers unsigned, so it must never be the guess.
  if (body?.schema !== "2.0") {
    if (body?.type === "url_verification") {
      const { challenge, token } = readEvent(ChallengeSchema, body, "Feishu url_verification");
      return { result: "handshake", upstreamType: "url_verification", challenge, token };
    }
    const v1 = readEvent(V1EventSchema, body, "Feishu");
    return { result: "changes", upstreamType: v1.event.type, eventId: v1.uuid, token: v1.token, changes: [] };
  }
  const { header, event } = readEvent(V2EventSchema, body, "Feishu");
  const received = {
    result: "changes",
    upstreamType: header.event_type,
    eventId: header.event_id,
    token: header.token,
  } as const;
  const meaning = FEISHU_CHANGES[header.event_type];
  if (meaning === undefined) return { ...received, changes: [] };
  const current = idOf(meaning.kind, event.object);
  const open =
    meaning.kind === "user"
      ? !event.object?.user_id && Boolean(event.object?.open_id)
      : !event.object?.department_id && Boolean(event.object?.open_department_id);
  if (current === undefined) {
    throw new CallbackVerificationError("malformed", `Feishu ${header.event_type} event names no object id`);
  }
  // updated_v3 carries the old values of changed fields only: an old user_id means a rename.
  const before =
    meaning.kind === "user" && meaning.action === "updated" ? event.old_object?.user_id : undefined;
  const renamed = Boolean(before) && Boolean(event.object?.user_id) && before !== current;
  const change: DirectoryChange = {
    ...meaning,
    id: renamed && before ? before : current,
    ...(renamed ? { newId: current } : {}),
    ...(open
      ? { idType: meaning.kind === "user" ? ("openId" as const) : ("openDepartmentId" as const) }
      : {}),
    occurredAt: epochToIso(header.create_time, "Feishu"),
    upstream: { type: header.event_type, eventId: header.event_id },
  };
  return { ...received, changes: [change] };
}
