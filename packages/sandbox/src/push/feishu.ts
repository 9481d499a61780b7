import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { feishuStatusView } from "../feishu.ts";
import type { DemoOrg, Department, OrgChange, Person } from "../org.ts";
import { larkEncrypt, larkSignature, randomDigits, tamperHex } from "./crypto.ts";
import type { Answer, BuiltEvent, OutgoingRequest, PushChannel } from "./pusher.ts";

/**
 * Feishu/Lark event subscription v2.0 over HTTP (PROTOCOLS §7.2): compact `JSON.stringify({encrypt})`
 * (or the plain event when no Encrypt Key is set), `X-Lark-Request-Timestamp/Nonce/Signature`; HTTP
 * 200 within 3 s counts as delivered, else re-pushes after 15 s, 5 min, 1 h and 6 h with the same
 * `event_id` (§7.2.5; "failed to process successfully after four retries", open.feishu.cn event
 * callback optimisation guide). URL verification: `url_verification`, encrypted when a key is set,
 * unsigned, answered with `{"challenge"}` within 1 s (§7.2.4).
 *
 * Events only for what the demo app may see: people in Feishu's directory (`in.feishu`, not
 * resigned) with a membership in a department of its contact scope, and departments in scope. A
 * department entering or leaving the scope is `contact.scope.updated_v3`. Ids as events carry them
 * (the node-sdk event types): `open_department_id` in `department_ids` and `parent_department_id`
 * (root `"0"`), `open_id` for leaders; `order` a number.
 */
export interface FeishuPushConfig {
  connection: string;
  appId: string;
  /** `header.tenant_key`. */
  tenantKey: string;
  verificationToken: string;
  /** Absent = events travel in plaintext, unsigned (the console's "no Encrypt Key"). */
  encryptKey?: string;
}

const FEISHU_SCHEDULE = [15_000, 300_000, 3_600_000, 21_600_000];

export function createFeishuChannel(config: FeishuPushConfig): PushChannel {
  function post(url: string, plaintext: string, tamper: boolean): OutgoingRequest {
    const body = config.encryptKey
      ? JSON.stringify({ encrypt: larkEncrypt(config.encryptKey, plaintext) })
      : plaintext;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomDigits(10);
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "x-lark-request-timestamp": timestamp,
      "x-lark-request-nonce": nonce,
    };
    if (config.encryptKey) {
      const signature = larkSignature(timestamp, nonce, config.encryptKey, body);
      headers["x-lark-signature"] = tamper ? tamperHex(signature) : signature;
    }
    return { method: "POST", url, headers, body };
  }

  function envelope(
    type: string,
    event: Record<string, unknown>,
    subject: BuiltEvent["subject"],
  ): BuiltEvent {
    const eventId = randomUUID().replace(/-/g, "");
    const plaintext = JSON.stringify({
      schema: "2.0",
      header: {
        event_id: eventId,
        event_type: type,
        create_time: String(Date.now()),
        token: config.verificationToken,
        app_id: config.appId,
        tenant_key: config.tenantKey,
      },
      event,
    });
    return { eventId, type, plaintext, subject };
  }

  function userEvents(change: OrgChange & { kind: "user" }, org: DemoOrg): BuiltEvent[] {
    const { before, after } = change;
    const was = before !== undefined && visibleUser(before, org);
    const is = after !== undefined && visibleUser(after, org);
    const subject = (p: Person) => ({ kind: "user" as const, id: p.userId });
    if (!was && is)
      return [envelope("contact.user.created_v3", { object: userObject(after, org) }, subject(after))];
    if (was && !is) {
      // 员工离职: the user as they left, and the old departments (node-sdk types: old_object {department_ids, open_id}).
      const gone = userObject(after ?? before, org);
      const old = { department_ids: userObject(before, org)["department_ids"], open_id: before.feishuOpenId };
      return [envelope("contact.user.deleted_v3", { object: gone, old_object: old }, subject(before))];
    }
    if (!was || !is) return [];
    const object = userObject(after, org);
    const old = changedFields(userObject(before, org), object);
    if (Object.keys(old).length === 0) return [];
    return [envelope("contact.user.updated_v3", { object, old_object: old }, subject(after))];
  }

  function departmentEvents(change: OrgChange & { kind: "department" }, org: DemoOrg): BuiltEvent[] {
    const { before, after } = change;
    const subject = (d: Department) => ({ kind: "department" as const, id: d.feishuId });
    if (change.action === "created") {
      return after!.inFeishuScope
        ? [
            envelope(
              "contact.department.created_v3",
              { object: departmentObject(after!, org) },
              subject(after!),
            ),
          ]
        : [];
    }
    if (change.action === "deleted") {
      if (!before!.inFeishuScope) return [];
      const object = { ...departmentObject(before!, org), status: { is_deleted: true } };
      const old = { status: { is_deleted: false }, open_department_id: before!.feishuOpenId };
      return [envelope("contact.department.deleted_v3", { object, old_object: old }, subject(before!))];
    }
    if (before!.inFeishuScope !== after!.inFeishuScope) return [scopeEvent(before!, after!, org)];
    if (!after!.inFeishuScope) return [];
    const object = departmentObject(after!, org);
    const old = changedFields(departmentObject(before!, org), object);
    if (Object.keys(old).length === 0) return [];
    return [envelope("contact.department.updated_v3", { object, old_object: old }, subject(after!))];
  }

  /** 权限范围变更: the department, and the people it brings into (or takes out of) the app's view. */
  function scopeEvent(before: Department, after: Department, org: DemoOrg): BuiltEvent {
    const inScopeBefore = (p: Person) =>
      p.in.feishu &&
      p.status !== "resigned" &&
      p.memberships.some((m) =>
        m.deptKey === before.key ? before.inFeishuScope : org.departmentByKey.get(m.deptKey)?.inFeishuScope,
      );
    const flipped = org.membersOf(after.key).filter((p) => inScopeBefore(p) !== visibleUser(p, org));
    const department = { ...departmentObject(after, org), order: String(after.order ?? 0) };
    const part = { departments: [department], users: flipped.map((p) => userObject(p, org)) };
    const event = after.inFeishuScope ? { added: part, removed: {} } : { added: {}, removed: part };
    return envelope("contact.scope.updated_v3", event, { kind: "department", id: after.feishuId });
  }

  return {
    provider: "feishu",
    connection: config.connection,
    deadlineMs: { event: 3000, handshake: 1000 },
    schedule: FEISHU_SCHEDULE,
    eventsFor: (change, org) =>
      change.kind === "user" ? userEvents(change, org) : departmentEvents(change, org),
    seal: (event, url, tamper) => post(url, event.plaintext, tamper),
    judge: (answer) => (answer.status === 200 ? undefined : `HTTP ${answer.status}, not 200`),
    handshake(url, tamper) {
      const challenge = randomUUID();
      // Unsigned: the Go SDK skips signature checks for url_verification and checks the token only.
      const token = tamper ? `${config.verificationToken}x` : config.verificationToken;
      const plaintext = JSON.stringify({ challenge, token, type: "url_verification" });
      const request = post(url, plaintext, false);
      for (const header of Object.keys(request.headers))
        if (header.startsWith("x-lark-")) delete request.headers[header];
      return {
        type: "url_verification",
        request,
        judge(answer: Answer) {
          if (answer.status !== 200) return `HTTP ${answer.status}, not 200`;
          try {
            const reply = JSON.parse(answer.body) as { challenge?: unknown };
            return reply?.challenge === challenge ? undefined : "the answer does not echo the challenge";
          } catch {
            return "the answer is not JSON";
          }
        },
      };
    },
  };
}

/** Whether the demo app sees the person: in Feishu, not resigned, in a department of its scope. */
function visibleUser(p: Person, org: DemoOrg): boolean {
  return (
    p.in.feishu &&
    p.status !== "resigned" &&
    p.memberships.some((m) => org.departmentByKey.get(m.deptKey)?.inFeishuScope === true)
  );
}

function openDepartmentId(org: DemoOrg, key: string | null): string {
  const d = key === null ? undefined : org.departmentByKey.get(key);
  return d === undefined || d.parentKey === null ? "0" : d.feishuOpenId;
}

/** A contact v3 UserEvent (node-sdk `contact.user.created_v3` types), in the ids events carry. */
function userObject(p: Person, org: DemoOrg): Record<string, unknown> {
  const manager = p.managerKey ? org.personByKey.get(p.managerKey) : undefined;
  const primary = p.memberships.find((m) => m.primary) ?? p.memberships[0];
  const deptId = (key: string) => org.departmentByKey.get(key)?.feishuOpenId ?? "0";
  return {
    open_id: p.feishuOpenId,
    union_id: p.feishuUnionId,
    user_id: p.userId,
    name: p.name,
    en_name: p.enName ?? "",
    ...(p.nickname ? { nickname: p.nickname } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(p.orgEmail ? { enterprise_email: p.orgEmail } : {}),
    ...(p.title ? { job_title: p.title } : {}),
    ...(p.mobile ? { mobile: `+${p.mobile.countryCode}${p.mobile.national}` } : {}),
    mobile_visible: !p.hideMobile,
    gender: p.gender,
    ...(p.avatarUrl
      ? {
          avatar: {
            avatar_72: p.avatarUrl,
            avatar_240: p.avatarUrl,
            avatar_640: p.avatarUrl,
            avatar_origin: p.avatarUrl,
          },
        }
      : {}),
    status: feishuStatusView(p),
    department_ids: p.memberships.map((m) => deptId(m.deptKey)),
    ...(manager?.in.feishu ? { leader_user_id: manager.feishuOpenId } : {}),
    ...(p.city ? { city: p.city } : {}),
    ...(p.country ? { country: p.country } : {}),
    ...(p.workPlace ? { work_station: p.workPlace } : {}),
    ...(p.hiredAt !== undefined ? { join_time: Math.floor(p.hiredAt / 1000) } : {}),
    is_tenant_manager: p.admin,
    ...(p.jobNumber ? { employee_no: p.jobNumber } : {}),
    employee_type: 1,
    orders: p.memberships.map((m) => ({
      department_id: deptId(m.deptKey),
      user_order: m.order,
      department_order: m.order,
      is_primary_dept: m === primary,
    })),
  };
}

/** A contact v3 DepartmentEvent (node-sdk `contact.department.created_v3` types). */
function departmentObject(d: Department, org: DemoOrg): Record<string, unknown> {
  const leaders = (d.leaderKeys ?? [])
    .map((k) => org.personByKey.get(k))
    .filter((p): p is Person => p?.in.feishu === true && p.status !== "resigned")
    .map((p) => p.feishuOpenId);
  return {
    name: d.name,
    parent_department_id: openDepartmentId(org, d.parentKey),
    department_id: d.feishuId,
    open_department_id: d.feishuOpenId,
    ...(leaders.length > 0
      ? {
          leader_user_id: leaders[0],
          leaders: leaders.map((leaderID, i) => ({ leaderType: i === 0 ? 1 : 2, leaderID })),
        }
      : {}),
    order: d.order ?? 0,
    status: { is_deleted: false },
  };
}

/** `old_object`: the old values of the fields that changed ("body中只包含有变更的字段"). */
function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const old: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (isDeepStrictEqual(before[key], after[key])) continue;
    if (key in before) old[key] = before[key];
    else old[key] = Array.isArray(after[key]) ? [] : typeof after[key] === "string" ? "" : null;
  }
  return old;
}
