import { isDeepStrictEqual } from "node:util";
import { type DemoOrg, type Department, inWeCom, type OrgChange, type Person } from "../org.ts";
import { weComDeptId, weComMobile, weComStatus, weComUserId } from "../wecom-views.ts";
import { randomDigits, tamperHex, wxEncrypt, wxSignature } from "./crypto.ts";
import type { BuiltEvent, CallbackKnobs, OutgoingRequest, PushChannel } from "./pusher.ts";

/**
 * WeCom 通讯录变更事件 `change_contact` (PROTOCOLS §7.3): POST `?msg_signature&timestamp&nonce` with
 * `<xml><ToUserName/><Encrypt/><AgentID/></xml>`, WXBizMsgCrypt with the corp id as receive id.
 * HTTP 200 within 5 s counts as delivered; otherwise WeCom "断掉连接，并且重新发起请求，总共重试三次"
 * (§7.3.2): three redeliveries, each right after the failed attempt, with the same CreateTime. URL
 * verification: GET `?msg_signature&timestamp&nonce&echostr`, answered with the decrypted echostr
 * as the whole body within 1 s (§7.3.1).
 *
 * Fields: `minimal` (callback URLs configured after 2022-08-15: members only `UserID`/`Department`,
 * departments only `Id`/`ParentId`, `update_party` only when the parent changes) or `full` (the
 * legacy attributes; `update_user` carries only what changed). Ids as the WeCom emulator shows them
 * (`wecomUserId`, `wecomId`). A resigned person stays in WeCom's directory with status 5 (退出企业),
 * so that is an `update_user`; leaving WeCom's directory (`in.wecom`, removal) is `delete_user`.
 */
export interface WeComPushConfig {
  connection: string;
  /** `ToUserName` and the receive id. */
  corpId: string;
  token: string;
  encodingAESKey: string;
  /** `AgentID` of the envelope: empty for the contact-sync (通讯录同步) callback. */
  agentId?: string;
}

/** "总共重试三次": immediately after each failure (the platform's 5 s deadline is the only wait it documents). */
const WECOM_SCHEDULE = [0, 0, 0];

type Field = [name: string, value: string | number, cdata: boolean];

export function createWeComChannel(config: WeComPushConfig): PushChannel {
  function build(type: string, id: string, fields: Field[]): BuiltEvent {
    const createTime = Math.floor(Date.now() / 1000);
    const xml = [
      "<xml>",
      element("ToUserName", config.corpId, true),
      element("FromUserName", "sys", true),
      element("CreateTime", createTime, false),
      element("MsgType", "event", true),
      element("Event", "change_contact", true),
      element("ChangeType", type, true),
      ...fields.map(([name, value, cdata]) =>
        name === "ExtAttr" ? String(value) : element(name, value, cdata),
      ),
      "</xml>",
    ].join("");
    const kind = type.endsWith("_user") ? "user" : "department";
    return { eventId: `${type}:${id}:${createTime}`, type, plaintext: xml, subject: { kind, id } };
  }

  function userEvents(
    change: OrgChange & { kind: "user" },
    org: DemoOrg,
    knobs: CallbackKnobs,
  ): BuiltEvent[] {
    const { before, after } = change;
    const was = before !== undefined && inWeCom(before);
    const is = after !== undefined && inWeCom(after);
    const minimal = knobs.wecomFields === "minimal";
    if (!was && is) {
      const fields = userFields(after!, org);
      // Full mode lists the attributes the member has; minimal mode only these two.
      const kept = minimal
        ? fields.filter(([name]) => name === "UserID" || name === "Department")
        : fields.filter(([name, value]) => name === "UserID" || value !== "");
      return [build("create_user", weComUserId(after!), kept)];
    }
    if (was && !is) {
      const id = weComUserId(before!);
      return [build("delete_user", id, [["UserID", id, true]])];
    }
    if (!was || !is) return [];
    const old = userFields(before!, org);
    const now = userFields(after!, org);
    if (isDeepStrictEqual(old, now)) return [];
    const oldId = weComUserId(before!);
    const newId = weComUserId(after!);
    const changed = now.filter(([name], i) => name !== "UserID" && !isDeepStrictEqual(old[i], now[i]));
    const kept = minimal ? changed.filter(([name]) => name === "Department") : changed;
    const fields: Field[] = [
      ["UserID", oldId, true],
      ...(newId !== oldId ? [["NewUserID", newId, true] as Field] : []),
      ...kept,
    ];
    return [build("update_user", oldId, fields)];
  }

  function partyEvents(
    change: OrgChange & { kind: "department" },
    org: DemoOrg,
    knobs: CallbackKnobs,
  ): BuiltEvent[] {
    const minimal = knobs.wecomFields === "minimal";
    const d = (change.after ?? change.before)!;
    const id = weComDeptId(d);
    const parentId = (dept: Department) => {
      const parent = dept.parentKey === null ? undefined : org.departmentByKey.get(dept.parentKey);
      return parent ? weComDeptId(parent) : 0;
    };
    if (change.action === "created") {
      const fields: Field[] = minimal
        ? [
            ["Id", id, false],
            ["ParentId", parentId(d), true],
          ]
        : [
            ["Id", id, false],
            ["Name", d.name, true],
            ["ParentId", parentId(d), true],
            ["Order", d.order ?? 0, false],
          ];
      return [build("create_party", String(id), fields)];
    }
    if (change.action === "deleted") return [build("delete_party", String(id), [["Id", id, false]])];
    const before = change.before!;
    const moved = parentId(before) !== parentId(d);
    const renamed = before.name !== d.name && !minimal;
    if (!moved && !renamed) return [];
    const fields: Field[] = [
      ["Id", id, false],
      ...(renamed ? [["Name", d.name, true] as Field] : []),
      ...(moved ? [["ParentId", parentId(d), true] as Field] : []),
    ];
    return [build("update_party", String(id), fields)];
  }

  function sign(encrypt: string, tamper: boolean) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomDigits(10);
    const signature = wxSignature(config.token, timestamp, nonce, encrypt);
    return { msg_signature: tamper ? tamperHex(signature) : signature, timestamp, nonce };
  }

  const join = (url: string, query: URLSearchParams) => `${url}${url.includes("?") ? "&" : "?"}${query}`;

  return {
    provider: "wecom",
    connection: config.connection,
    deadlineMs: { event: 5000, handshake: 1000 },
    schedule: WECOM_SCHEDULE,
    eventsFor: (change, org, knobs) =>
      change.kind === "user" ? userEvents(change, org, knobs) : partyEvents(change, org, knobs),
    seal(event, url, tamper): OutgoingRequest {
      const encrypt = wxEncrypt(config.encodingAESKey, event.plaintext, config.corpId);
      const body = `<xml>${element("ToUserName", config.corpId, true)}${element("Encrypt", encrypt, true)}${element("AgentID", config.agentId ?? "", true)}</xml>`;
      return {
        method: "POST",
        url: join(url, new URLSearchParams(sign(encrypt, tamper))),
        headers: { "content-type": "text/xml" },
        body,
      };
    },
    judge: (answer) => (answer.status === 200 ? undefined : `HTTP ${answer.status}, not 200`),
    handshake(url, tamper) {
      const echo = randomDigits(19);
      const echostr = wxEncrypt(config.encodingAESKey, echo, config.corpId);
      const query = new URLSearchParams({ ...sign(echostr, tamper), echostr });
      return {
        type: "echostr",
        request: { method: "GET", url: join(url, query), headers: {} },
        judge(answer) {
          if (answer.status !== 200) return `HTTP ${answer.status}, not 200`;
          // "不能加引号，不能带bom头，不能带换行符": the plaintext and nothing else.
          return answer.body === echo ? undefined : "the answer is not the decrypted echostr";
        },
      };
    },
  };
}

/** The member's attributes in document order (成员变更通知 90970), as the contact-sync app sees them. */
function userFields(p: Person, org: DemoOrg): Field[] {
  const deptId = (key: string) => {
    const d = org.departmentByKey.get(key);
    return d ? weComDeptId(d) : 0;
  };
  const primary = p.memberships.find((m) => m.primary) ?? p.memberships[0];
  const manager = p.managerKey ? org.personByKey.get(p.managerKey) : undefined;
  const extension = Object.entries(p.extension ?? {});
  const extAttr =
    extension.length === 0
      ? ""
      : `<ExtAttr>${extension
          .map(
            ([name, value]) =>
              `<Item>${element("Name", name, true)}<Type>0</Type><Text>${element("Value", value, true)}</Text></Item>`,
          )
          .join("")}</ExtAttr>`;
  return [
    ["UserID", weComUserId(p), true],
    ["Name", p.name, true],
    ["Department", p.memberships.map((m) => deptId(m.deptKey)).join(","), true],
    ["MainDepartment", primary ? deptId(primary.deptKey) : 0, false],
    ["IsLeaderInDept", p.memberships.map((m) => (m.leader ? 1 : 0)).join(","), true],
    ["DirectLeader", manager && inWeCom(manager) ? weComUserId(manager) : "", true],
    ["Position", p.title ?? "", true],
    ["Mobile", p.mobile ? weComMobile(p.mobile) : "", false],
    ["Gender", p.gender, false],
    ["Email", p.email ?? "", true],
    ["BizMail", p.orgEmail ?? "", true],
    ["Status", weComStatus(p), false],
    ["Avatar", p.avatarUrl ?? "", true],
    ["Alias", p.nickname ?? "", true],
    ["Telephone", p.telephone ?? "", true],
    ["Address", p.workPlace ?? "", true],
    ["ExtAttr", extAttr, false],
  ];
}

function element(name: string, value: string | number, cdata: boolean): string {
  const text = String(value);
  if (!cdata) return `<${name}>${escapeXml(text)}</${name}>`;
  return `<${name}><![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]></${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}
