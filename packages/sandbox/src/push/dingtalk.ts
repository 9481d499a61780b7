import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { DemoOrg, Department, OrgChange, Person } from "../org.ts";
import { randomAlnum, tamperHex, wxDecrypt, wxEncrypt, wxSignature } from "./crypto.ts";
import type { Answer, BuiltEvent, CallbackKnobs, OutgoingRequest, PushChannel } from "./pusher.ts";

/**
 * DingTalk HTTP push (事件订阅, PROTOCOLS §7.1): POST `?signature&timestamp&nonce` with
 * `{"encrypt"}`, WXBizMsgCrypt with the owner key as receive id (the app key for a new-style
 * internal-app subscription, the corp id for a legacy `register_call_back` one);
 * the receiver must answer an encrypted `success` whose signature verifies, within 1500 ms. The URL
 * is verified with a `check_url` event of the same form.
 *
 * Redelivery: none by default. DingTalk documents no automatic re-push; a failed event is kept for
 * the developer to fetch ("钉钉服务器将保留此次变更事件…可以通过此回调接口获取推送失败的变更事件",
 * legacy `call_back/get_call_back_failed_result`, ddtalk/dingTalkDoc `_server.md`; its successor
 * `topapi/callback/failrecord/list`, "查询http回调失败记录,做补偿", 7 days). `failed()` lists them;
 * the `schedules.dingtalk` knob adds re-pushes for receiver tests.
 */
export interface DingTalkPushConfig {
  connection: string;
  /** The app key: the owner key (receiveId) of a new-style internal-app event subscription. */
  appKey: string;
  /** `CorpId` in the payloads. */
  corpId: string;
  token: string;
  /** EncodingAESKey, 43 characters. */
  aesKey: string;
  /**
   * The receive id: the app key (default, 事件订阅 of an internal app), the corp id (legacy
   * `register_call_back`) or a suite key (third-party apps) — PROTOCOLS §7.0.
   */
  ownerKey?: string;
  /**
   * Payload shape: `current` (documented, with `eventId`; default) or `legacy` (register_call_back
   * era: `UserId`, `TimeStamp`, no event id). The `dingtalkShape` knob overrides it.
   */
  shape?: "current" | "legacy";
}

/** The DingTalk user fields a directory change can touch; the rest of `Person` is other providers'. */
const OTHER_PROVIDERS_FIELDS = [
  "feishuOpenId",
  "feishuUnionId",
  "eiamUserId",
  "wecomUserId",
  "wecomOpenUserId",
  "identityNumber",
  "birthday",
  "lastLoginIp",
  "lastLoginAt",
  "createdAt",
  "extras",
  "in",
] as const;

/** `user_add_org`, `user_modify_org`, `user_active_org`, `user_leave_org`, `org_dept_*`. */
export function createDingTalkChannel(config: DingTalkPushConfig): PushChannel {
  const ownerKey = config.ownerKey ?? config.appKey;
  const held = (p: Person | undefined): p is Person => p?.in.dingtalk === true && p.status !== "resigned";

  function userEventType(before: Person | undefined, after: Person | undefined): string | undefined {
    if (!held(before)) return held(after) ? "user_add_org" : undefined;
    if (!held(after)) return "user_leave_org";
    if (isDeepStrictEqual(dingTalkUser(before), dingTalkUser(after))) return undefined;
    // 加入企业后用户激活: an invited person activates their account.
    const activated = before.status === "inactive" && after.status === "active";
    const rest = (p: Person) => ({ ...dingTalkUser(p), status: undefined });
    return activated && isDeepStrictEqual(rest(before), rest(after)) ? "user_active_org" : "user_modify_org";
  }

  function departmentEventType(change: OrgChange & { kind: "department" }): string | undefined {
    if (change.action === "created") return "org_dept_create";
    if (change.action === "deleted") return "org_dept_remove";
    const view = (d: Department) => ({ ...d, inFeishuScope: undefined });
    return isDeepStrictEqual(view(change.before!), view(change.after!)) ? undefined : "org_dept_modify";
  }

  function build(
    type: string,
    subject: BuiltEvent["subject"],
    org: DemoOrg,
    knobs: CallbackKnobs,
  ): BuiltEvent {
    const now = Date.now();
    const ids = subject.kind === "user" ? [subject.id] : [Number(subject.id)];
    if ((knobs.dingtalkShape ?? config.shape) === "legacy") {
      // register_call_back era: PascalCase, ids as strings, an operator, no eventId (PROTOCOLS §7.1.2 shape 1).
      const operator = org.people.find((p) => p.admin && held(p))?.userId;
      const payload =
        subject.kind === "user"
          ? {
              CorpId: config.corpId,
              EventType: type,
              UserId: ids.map(String),
              ...(operator ? { OptStaffId: operator } : {}),
              TimeStamp: String(now),
            }
          : { CorpId: config.corpId, EventType: type, DeptId: ids.map(String), TimeStamp: String(now) };
      return { eventId: `${type}:${subject.id}:${now}`, type, plaintext: JSON.stringify(payload), subject };
    }
    // Current docs (enterprise-increases-employee-events, create-department-event): `BizId` is the event time.
    const eventId = randomUUID().replace(/-/g, "");
    const common = { EventType: type, EventTime: now, CorpId: config.corpId, BizId: String(now), eventId };
    const payload =
      subject.kind === "user"
        ? { ...common, timeStamp: String(now), userId: ids }
        : { ...common, deptId: ids };
    return { eventId, type, plaintext: JSON.stringify(payload), subject };
  }

  function post(url: string, plaintext: string, tamper: boolean): OutgoingRequest {
    const timestamp = String(Date.now());
    const nonce = randomAlnum(8);
    const encrypt = wxEncrypt(config.aesKey, plaintext, ownerKey);
    const signature = wxSignature(config.token, timestamp, nonce, encrypt);
    const query = new URLSearchParams({
      signature: tamper ? tamperHex(signature) : signature,
      timestamp,
      nonce,
    });
    return {
      method: "POST",
      url: `${url}${url.includes("?") ? "&" : "?"}${query}`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ encrypt }),
    };
  }

  /** The platform decrypts the answer and wants `success` under the receiver's signature (PROTOCOLS §7.1.1). */
  function judge(answer: Answer): string | undefined {
    if (answer.status !== 200) return `HTTP ${answer.status}, not 200`;
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(answer.body) as Record<string, unknown>;
    } catch {
      return "the answer is not JSON";
    }
    const { msg_signature: signature, timeStamp, nonce, encrypt } = reply ?? {};
    if (![signature, timeStamp, nonce, encrypt].every((v) => typeof v === "string" && v !== "")) {
      return "the answer lacks msg_signature, timeStamp, nonce or encrypt";
    }
    if (wxSignature(config.token, timeStamp as string, nonce as string, encrypt as string) !== signature) {
      return "the answer's msg_signature does not verify";
    }
    let message: string;
    let receiveId: string;
    try {
      ({ message, receiveId } = wxDecrypt(config.aesKey, encrypt as string));
    } catch (error) {
      return `the answer does not decrypt (${(error as Error).message})`;
    }
    if (receiveId !== ownerKey) return "the answer is encrypted for another owner key";
    return message === "success" ? undefined : "71009 返回文本非success";
  }

  return {
    provider: "dingtalk",
    connection: config.connection,
    deadlineMs: { event: 1500, handshake: 1500 },
    schedule: [],
    eventsFor(change, org, knobs) {
      if (change.kind === "user") {
        const type = userEventType(change.before, change.after);
        if (!type) return [];
        const id = (type === "user_leave_org" ? change.before : change.after)!.userId;
        return [build(type, { kind: "user", id }, org, knobs)];
      }
      const type = departmentEventType(change);
      const d = (change.after ?? change.before)!;
      return type ? [build(type, { kind: "department", id: String(d.dingtalkId) }, org, knobs)] : [];
    },
    seal: (event, url, tamper) => post(url, event.plaintext, tamper),
    judge,
    handshake: (url, tamper) => ({
      type: "check_url",
      request: post(url, JSON.stringify({ EventType: "check_url" }), tamper),
      judge,
    }),
  };
}

function dingTalkUser(p: Person): Record<string, unknown> {
  const view: Record<string, unknown> = { ...p };
  for (const field of OTHER_PROVIDERS_FIELDS) delete view[field];
  return view;
}
