import * as z from "zod";
import {
  type CallbackEvent,
  type DirectoryChange,
  epochToIso,
  parseJsonEvent,
  readEvent,
  stableEventId,
} from "./change.ts";
import { CallbackVerificationError } from "./errors.ts";
import { parseCallbackXml } from "./xml.ts";

/** WeCom `change_contact` ChangeTypes and what they mean to the directory (PROTOCOLS §7.3.3). */
const WECOM_CHANGES: Record<string, Pick<DirectoryChange, "kind" | "action">> = {
  create_user: { kind: "user", action: "created" },
  update_user: { kind: "user", action: "updated" },
  delete_user: { kind: "user", action: "deleted" },
  create_party: { kind: "department", action: "created" },
  update_party: { kind: "department", action: "updated" },
  delete_party: { kind: "department", action: "deleted" },
};

// XML gives strings; JSON-mode callbacks (PROTOCOLS §7.3.2) give numbers for CreateTime and ids.
const text = z.union([z.string(), z.number().transform(String)]).optional();

const WeComEventSchema = z.looseObject({
  MsgType: text,
  Event: text,
  /** Third-party suites say InfoType/TimeStamp where self-built apps say Event/CreateTime. */
  InfoType: text,
  ChangeType: text,
  CreateTime: text,
  TimeStamp: text,
  UserID: text,
  NewUserID: text,
  Id: text,
});

function readPlaintext(plaintext: string): unknown {
  return plaintext.trimStart().startsWith("{")
    ? parseJsonEvent(plaintext, "WeCom")
    : parseCallbackXml(plaintext);
}

/**
 * Reads a decrypted WeCom message (XML, or JSON for JSON-mode callbacks): `change_contact` user and
 * party changes become one change; `update_tag` and every other message are acknowledged unqueued.
 * WeCom sends no event id, so one is derived from (ChangeType, id, CreateTime) — what its retries
 * repeat (PROTOCOLS §7.3.2).
 */
export function parseWeComEvent(plaintext: string): CallbackEvent {
  const event = readEvent(WeComEventSchema, readPlaintext(plaintext), "WeCom");
  const isContact = event.Event === "change_contact" || event.InfoType === "change_contact";
  if (!isContact || !event.ChangeType) {
    const upstreamType =
      (isContact ? "change_contact" : event.Event || event.InfoType || event.MsgType) || "unknown";
    return { result: "changes", upstreamType, eventId: stableEventId("wecom", plaintext), changes: [] };
  }
  const upstreamType = event.ChangeType;
  const time = event.CreateTime || event.TimeStamp;
  const meaning = WECOM_CHANGES[upstreamType];
  if (meaning === undefined) {
    const eventId = stableEventId("wecom", upstreamType, plaintext);
    return { result: "changes", upstreamType, eventId, changes: [] };
  }
  const id = meaning.kind === "user" ? event.UserID : event.Id;
  if (!id || !time) {
    const missing = id ? "CreateTime" : meaning.kind === "user" ? "UserID" : "Id";
    throw new CallbackVerificationError("malformed", `WeCom ${upstreamType} event has no ${missing}`);
  }
  const eventId = stableEventId("wecom", upstreamType, id, time);
  const renamed = upstreamType === "update_user" && Boolean(event.NewUserID) && event.NewUserID !== id;
  const change: DirectoryChange = {
    ...meaning,
    id,
    ...(renamed && event.NewUserID ? { newId: event.NewUserID } : {}),
    occurredAt: epochToIso(time, "WeCom"),
    upstream: { type: upstreamType, eventId },
  };
  return { result: "changes", upstreamType, eventId, changes: [change] };
}
