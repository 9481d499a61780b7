import { randomBytes } from "node:crypto";
import {
  type Dialect,
  Emulator,
  type EmulatorRequest,
  parseAnyBody,
  type Reply,
  type Route,
} from "./emulator.ts";
import { type DemoOrg, type Person, type Phone, phoneKey } from "./org.ts";
import { TokenStore } from "./tokens.ts";

/**
 * DingTalk `oapi.dingtalk.com` emulator. Every answer is HTTP 200; failures are `errcode` values.
 * On `topapi/*`, auth, permission and throttling failures are `errcode: 88` with a *string*
 * `sub_code`; the legacy `GET /user/get` returns the code directly (PROTOCOLS §1.3).
 */
export interface DingTalkApp {
  appKey: string;
  appSecret: string;
}

const GATEWAY_5XX = (status: number, text: string) =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n`;

const IP_BAN_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>访问被拒绝</title></head><body><h1>访问被拒绝</h1><p>您的访问频率过高，已被暂时限制，请5分钟后再试。</p></body></html>';

export function createDingTalkEmulator(org: DemoOrg, apps: DingTalkApp[], options: { seed?: number } = {}) {
  const secrets = new Map(apps.map((a) => [a.appKey, a.appSecret]));
  const tokens = new TokenStore("same-and-renew", () => randomBytes(16).toString("hex"));
  const people = org.people.filter((p) => p.in.dingtalk && p.status !== "resigned");
  const byUserId = new Map(people.map((p) => [p.userId, p]));
  const byLoginId = new Map(
    people.flatMap((p) =>
      p.exclusive?.type === "dingtalk" && p.exclusive.loginId ? [[p.exclusive.loginId, p]] : [],
    ),
  );
  const deptByDingId = new Map(org.departments.map((d) => [d.dingtalkId, d]));

  const topapi = (req: EmulatorRequest) => req.path.startsWith("/topapi/");
  const fail = (req: EmulatorRequest, errcode: number, errmsg: string): Reply => ({
    status: 200,
    body: topapi(req) ? { errcode, errmsg, request_id: req.requestId } : { errcode, errmsg },
  });
  /** A topapi gateway failure wrapped in errcode 88, or the bare code on legacy paths. */
  const gatewayFail = (req: EmulatorRequest, subCode: string, subMsg: string): Reply =>
    topapi(req)
      ? {
          status: 200,
          body: {
            errcode: 88,
            sub_code: subCode,
            sub_msg: subMsg,
            errmsg: `ding talk error[subcode=${subCode},submsg=${subMsg}]`,
            request_id: req.requestId,
          },
        }
      : { status: 200, body: { errcode: Number(subCode), errmsg: subMsg } };

  const dialect: Dialect = {
    authenticate(req) {
      const body = topapi(req) && req.method === "POST" ? parseAnyBody(req) : undefined;
      const token = req.query.get("access_token") ?? (body?.["access_token"] as string | undefined);
      if (!token)
        return gatewayFail(
          req,
          topapi(req) ? "40000" : "41001",
          topapi(req) ? "access_token is blank" : "缺少access_token参数",
        );
      const check = tokens.check(token);
      if (check.ok) return { app: check.app };
      return check.reason === "expired"
        ? gatewayFail(req, "42001", "access_token超时")
        : gatewayFail(req, "40014", "不合法的access_token");
    },
    fault(kind, req) {
      switch (kind) {
        case "http500":
          return { status: 500, body: GATEWAY_5XX(500, "Internal Server Error") };
        case "http502":
          return { status: 502, body: GATEWAY_5XX(502, "Bad Gateway") };
        case "http503":
          return { status: 503, body: GATEWAY_5XX(503, "Service Temporarily Unavailable") };
        case "malformedJson":
          return { status: 200, body: '{"errcode":0,"errmsg":"ok","result":{"userid":"zhang' };
        case "htmlThrottle":
          return { status: 200, body: IP_BAN_PAGE };
        case "punishDeny":
          return {
            status: 200,
            body: { status: 1111, wait: 5, source: "x5", punish: "deny", uuid: req.requestId },
          };
        case "busy":
          return fail(req, -1, "系统繁忙");
        case "rateLimited":
          return gatewayFail(
            req,
            "90002",
            "当前所有钉钉应用调用该接口次数过多，超出了该接口承受的最大qps，请求被暂时限制了，建议错开整点时刻调用该接口",
          );
      }
    },
    rateLimited(req) {
      return gatewayFail(
        req,
        "90018",
        "当前企业下应用调用该接口次数过多，超出了该接口承受的最大qps，请求被暂时限制了",
      );
    },
    notFound(req) {
      if (topapi(req)) {
        const apiName = `dingtalk.oapi.${req.path.slice(1).replace(/\//g, ".")}`;
        return {
          status: 200,
          body: { errcode: 22, sub_msg: `不合法ApiName，ApiName = ${apiName}`, request_id: req.requestId },
        };
      }
      return { status: 404, body: GATEWAY_5XX(404, "Not Found") };
    },
    revokeTokens: () => tokens.revokeAll(),
    reset: () => tokens.clear(),
  };

  const routes: Route[] = [
    {
      method: "GET",
      pattern: "/gettoken",
      auth: false,
      handle(req, { knobs }) {
        // Parameters must be in the query string; a body is ignored (PROTOCOLS §1.1).
        const appKey = req.query.get("appkey");
        const appSecret = req.query.get("appsecret");
        if (!appKey || !appSecret) return fail(req, 40035, "缺少参数 corpid or appkey");
        if (secrets.get(appKey) !== appSecret) return fail(req, 40096, "不合法的appKey或appSecret");
        const issued = tokens.issue(appKey, knobs.tokenTtlSeconds);
        return {
          status: 200,
          body: { errcode: 0, access_token: issued.token, errmsg: "ok", expires_in: issued.expiresIn },
        };
      },
    },
    {
      method: "POST",
      pattern: "/topapi/v2/user/getbymobile",
      auth: true,
      handle(req) {
        const body = parseAnyBody(req);
        const mobile = body?.["mobile"];
        const searchExclusive = parseBool(body?.["support_exclusive_account_search"]);
        if (typeof mobile !== "string" || mobile === "" || searchExclusive === undefined) {
          return fail(req, 400002, "无效的参数");
        }
        const phone = parseDingTalkMobile(mobile);
        if (!phone) return fail(req, 40104, "无效的手机号");
        const matches = people.filter((p) => p.mobile && phoneKey(p.mobile) === phoneKey(phone));
        const regular = matches.filter((p) => !p.exclusive);
        const exclusive = matches.filter((p) => p.exclusive);
        const userid = regular[0]?.userId ?? (searchExclusive ? exclusive[0]?.userId : undefined);
        if (!userid) return fail(req, 60121, "找不到该用户");
        const result: Record<string, unknown> = { userid };
        if (searchExclusive && exclusive.length > 0) {
          result["exclusive_account_userid_list"] = exclusive.map((p) => p.userId);
        }
        return { status: 200, body: { errcode: 0, errmsg: "ok", result, request_id: req.requestId } };
      },
    },
    {
      method: "POST",
      pattern: "/topapi/v2/user/get",
      auth: true,
      handle(req) {
        const body = parseAnyBody(req);
        const userid = body?.["userid"];
        const loginId = body?.["login_id"];
        const language = body?.["language"] ?? "zh_CN";
        if (language !== "zh_CN" && language !== "en_US") return fail(req, 400002, "无效的参数");
        if (typeof loginId === "string" && loginId !== "") {
          const person = byLoginId.get(loginId);
          if (!person) return fail(req, 60121, "找不到该用户");
          return ok(req, userView(person, language));
        }
        if (typeof userid !== "string" || userid === "") return fail(req, 400002, "无效的参数");
        const person = byUserId.get(userid);
        if (!person) return fail(req, 33012, "无效的userId");
        return ok(req, userView(person, language));
      },
    },
    {
      method: "POST",
      pattern: "/topapi/v2/user/list",
      auth: true,
      handle(req) {
        const body = parseAnyBody(req);
        const deptId = toInt(body?.["dept_id"]);
        const cursor = toInt(body?.["cursor"]);
        const size = toInt(body?.["size"]);
        const language = body?.["language"] ?? "zh_CN";
        if (deptId === undefined || cursor === undefined || size === undefined || cursor < 0) {
          return fail(req, 400002, "无效的参数");
        }
        if (size < 1 || size > 100) return fail(req, 400002, "无效的参数: size 的取值范围为 1-100");
        const dept = deptByDingId.get(deptId);
        if (!dept) return fail(req, 60003, "部门不存在");
        const members = people
          .filter((p) => p.memberships.some((m) => m.deptKey === dept.key))
          .sort((a, b) => orderIn(a, dept.key) - orderIn(b, dept.key) || a.userId.localeCompare(b.userId));
        const page = members.slice(cursor, cursor + size);
        const hasMore = cursor + size < members.length;
        const result: Record<string, unknown> = {
          has_more: hasMore,
          list: page.map((p) => userView(p, language === "en_US" ? "en_US" : "zh_CN")),
        };
        if (hasMore) result["next_cursor"] = cursor + size;
        return ok(req, result);
      },
    },
    {
      method: "GET",
      pattern: "/user/get",
      auth: true,
      handle(req) {
        const person = byUserId.get(req.query.get("userid") ?? "");
        if (!person) return fail(req, 60121, "找不到该用户");
        const lang = req.query.get("lang") === "en_US" ? "en_US" : "zh_CN";
        return { status: 200, body: { errcode: 0, errmsg: "ok", ...legacyView(person, lang) } };
      },
    },
  ];

  function userView(p: Person, language: string): Record<string, unknown> {
    const manager = p.managerKey ? org.personByKey.get(p.managerKey) : undefined;
    const view: Record<string, unknown> = {
      userid: p.userId,
      unionid: p.dingtalkUnionId,
      name: language === "en_US" && p.enName ? p.enName : p.name,
      ...(p.avatarUrl ? { avatar: p.avatarUrl } : {}),
      ...(p.mobile ? { state_code: p.mobile.countryCode, mobile: p.mobile.national } : {}),
      hide_mobile: p.hideMobile,
      ...(p.telephone ? { telephone: p.telephone } : {}),
      ...(p.jobNumber ? { job_number: p.jobNumber } : {}),
      ...(p.title ? { title: p.title } : {}),
      ...(p.email ? { email: p.email } : {}),
      ...(p.orgEmail ? { org_email: p.orgEmail } : {}),
      ...(p.workPlace ? { work_place: p.workPlace } : {}),
      ...(p.remark ? { remark: p.remark } : {}),
      dept_id_list: p.memberships.map((m) => deptId(m.deptKey)),
      dept_order_list: p.memberships.map((m) => ({ dept_id: deptId(m.deptKey), order: m.order })),
      ...(p.extension ? { extension: JSON.stringify(p.extension) } : {}),
      ...(p.hiredAt !== undefined ? { hired_date: p.hiredAt } : {}),
      active: p.status === "active",
      real_authed: p.realAuthed,
      senior: p.senior,
      admin: p.admin,
      boss: p.boss,
      leader_in_dept: p.memberships.map((m) => ({ dept_id: deptId(m.deptKey), leader: m.leader })),
      role_list: (p.roles ?? []).map((r) => ({ id: r.id, name: r.name, group_name: r.groupName })),
      exclusive_account: Boolean(p.exclusive),
      ...(manager?.in.dingtalk ? { manager_userid: manager.userId } : {}),
    };
    if (p.exclusive) {
      view["exclusive_account_type"] = p.exclusive.type;
      view["exclusive_account_corp_name"] = p.exclusive.corpName;
      view["exclusive_account_corp_id"] = p.exclusive.corpId;
      if (p.exclusive.type === "dingtalk") {
        if (p.exclusive.loginId) view["login_id"] = p.exclusive.loginId;
        view["nickname"] = p.nickname ?? p.name;
        view["disable_status"] = p.exclusive.disabled || p.status === "disabled";
      }
    }
    return { ...view, ...p.extras?.dingtalk };
  }

  function legacyView(p: Person, lang: string): Record<string, unknown> {
    const manager = p.managerKey ? org.personByKey.get(p.managerKey) : undefined;
    const mapString = (values: [number, unknown][]) =>
      `{${values.map(([k, v]) => `${k}:${String(v)}`).join(",")}}`;
    return {
      userid: p.userId,
      unionid: p.dingtalkUnionId,
      ...(manager?.in.dingtalk ? { managerUserid: manager.userId } : {}),
      ...(p.hiredAt !== undefined ? { hiredDate: String(p.hiredAt) } : {}),
      ...(p.telephone ? { tel: p.telephone } : {}),
      ...(p.remark ? { remark: p.remark } : {}),
      ...(p.workPlace ? { workPlace: p.workPlace } : {}),
      name: lang === "en_US" && p.enName ? p.enName : p.name,
      ...(p.title ? { position: p.title } : {}),
      ...(p.mobile ? { mobile: p.mobile.national, stateCode: p.mobile.countryCode } : {}),
      ...(p.email ? { email: p.email } : {}),
      ...(p.orgEmail ? { orgEmail: p.orgEmail } : {}),
      isSenior: p.senior,
      ...(p.jobNumber ? { jobnumber: p.jobNumber } : {}),
      active: p.status === "active",
      avatar: p.avatarUrl ?? "",
      ...(p.extension ? { extattr: JSON.stringify(p.extension) } : {}),
      roles: (p.roles ?? []).map((r) => ({ id: r.id, name: r.name, groupName: r.groupName })),
      department: p.memberships.map((m) => deptId(m.deptKey)),
      // The real v1 API sends these maps as strings with unquoted numeric keys: "{2:1,3:2}".
      orderInDepts: mapString(p.memberships.map((m) => [deptId(m.deptKey), m.order])),
      isAdmin: p.admin,
      isLeaderInDepts: mapString(p.memberships.map((m) => [deptId(m.deptKey), m.leader])),
      isHide: p.hideMobile,
      isBoss: p.boss,
      realAuthed: p.realAuthed,
    };
  }

  function deptId(key: string): number {
    return org.departmentByKey.get(key)?.dingtalkId ?? 1;
  }

  const emulator = new Emulator({ name: "dingtalk", routes, dialect, seed: options.seed });
  return {
    emulator,
    apps,
    /** Every token issued since the last reset. */
    issuedTokens: () => tokens.all(),
    /** Registers another app (appKey/appSecret) on the emulator. */
    addApp(app: DingTalkApp) {
      secrets.set(app.appKey, app.appSecret);
    },
  };
}

function ok(req: EmulatorRequest, result: unknown): Reply {
  return { status: 200, body: { errcode: 0, errmsg: "ok", result, request_id: req.requestId } };
}

function orderIn(p: Person, deptKey: string): number {
  return p.memberships.find((m) => m.deptKey === deptKey)?.order ?? Number.MAX_SAFE_INTEGER;
}

function parseBool(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

function toInt(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

/**
 * DingTalk takes mainland numbers as 11 digits and others as `+852-51234567` (or `852-51234567`).
 */
export function parseDingTalkMobile(mobile: string): Phone | undefined {
  const international = /^\+?(\d{1,4})-(\d{4,14})$/.exec(mobile);
  if (international) return { countryCode: international[1]!, national: international[2]! };
  if (/^1\d{10}$/.test(mobile)) return { countryCode: "86", national: mobile };
  return undefined;
}

export type DingTalkEmulator = ReturnType<typeof createDingTalkEmulator>;
