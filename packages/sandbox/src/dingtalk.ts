import { createHash, randomBytes } from "node:crypto";
import {
  type Dialect,
  Emulator,
  type EmulatorRequest,
  parseAnyBody,
  type Reply,
  type Route,
} from "./emulator.ts";
import { type DemoOrg, type Department, type Person, type Phone, phoneKey } from "./org.ts";
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
  // The org is mutable (people and departments come and go at run time): every lookup reads it
  // at request time. Linear scans are fine for the sizes the sandbox runs (≤ a few thousand).
  /** Who the DingTalk directory holds: resigned people have left it. */
  const listed = (p: Person) => p.in.dingtalk && p.status !== "resigned";
  const byUserId = (userId: string) => org.people.find((p) => listed(p) && p.userId === userId);
  const byLoginId = (loginId: string) =>
    org.people.find((p) => listed(p) && p.exclusive?.type === "dingtalk" && p.exclusive.loginId === loginId);
  const deptByDingId = (id: number) => org.departments.find((d) => d.dingtalkId === id);

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
        const matches = org.people.filter(
          (p) => listed(p) && p.mobile && phoneKey(p.mobile) === phoneKey(phone),
        );
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
          const person = byLoginId(loginId);
          if (!person) return fail(req, 60121, "找不到该用户");
          return ok(req, userView(person, language));
        }
        if (typeof userid !== "string" || userid === "") return fail(req, 400002, "无效的参数");
        const person = byUserId(userid);
        if (!person) return fail(req, 33012, "无效的userId");
        return ok(req, userView(person, language));
      },
    },
    {
      method: "POST",
      pattern: "/topapi/v2/user/list",
      auth: true,
      handle(req) {
        // Request and item fields: help.dingtalk.io/open/development/queries-the-complete-information-of-a-department-user
        // (official English copy) and its apifox mirror (api-136641505): `order_field`
        // entry_asc|entry_desc|modify_asc|modify_desc|custom (default custom), `contain_access_limit`,
        // and per-item `dept_order` / `leader` for the listed department.
        const body = parseAnyBody(req);
        const deptId = toInt(body?.["dept_id"]);
        const cursor = toInt(body?.["cursor"]);
        const size = toInt(body?.["size"]);
        const language = body?.["language"] ?? "zh_CN";
        const orderField = body?.["order_field"] ?? "custom";
        const accessLimit = body?.["contain_access_limit"];
        if (deptId === undefined || cursor === undefined || size === undefined || cursor < 0) {
          return fail(req, 400002, "无效的参数");
        }
        if (size < 1 || size > 100) return fail(req, 400002, "无效的参数: size 的取值范围为 1-100");
        if (typeof orderField !== "string" || !ORDER_FIELDS.includes(orderField)) {
          return fail(req, 400002, "无效的参数: order_field");
        }
        // The demo org has no access-limited members, so the flag filters nothing; it is still checked.
        if (accessLimit !== undefined && parseBool(accessLimit) === undefined) {
          return fail(req, 400002, "无效的参数: contain_access_limit");
        }
        const dept = deptByDingId(deptId);
        if (!dept) return fail(req, 60003, "部门不存在");
        const members = org.people
          .filter((p) => listed(p) && p.memberships.some((m) => m.deptKey === dept.key))
          .sort(memberOrder(orderField, dept.key));
        const page = members.slice(cursor, cursor + size);
        const hasMore = cursor + size < members.length;
        const result: Record<string, unknown> = {
          has_more: hasMore,
          list: page.map((p) => {
            const membership = p.memberships.find((m) => m.deptKey === dept.key);
            return {
              ...userView(p, language === "en_US" ? "en_US" : "zh_CN"),
              dept_order: membership?.order ?? 0,
              leader: membership?.leader ?? false,
            };
          }),
        };
        if (hasMore) result["next_cursor"] = cursor + size;
        return ok(req, result);
      },
    },
    {
      method: "POST",
      pattern: "/topapi/v2/department/get",
      auth: true,
      handle(req) {
        const body = parseAnyBody(req);
        const id = toInt(body?.["dept_id"]);
        const language = body?.["language"] ?? "zh_CN";
        if (id === undefined || (language !== "zh_CN" && language !== "en_US")) {
          return fail(req, 400002, "无效的参数");
        }
        const dept = deptByDingId(id);
        if (!dept) return fail(req, 60003, "部门不存在");
        return ok(req, departmentView(dept, language));
      },
    },
    {
      method: "POST",
      pattern: "/topapi/v2/department/listsub",
      auth: true,
      handle(req) {
        // dept_id is optional here and defaults to the root (1); only the next level is returned,
        // unpaged (open.alitrip.com/docs/api.htm?apiId=52326, the TOP copy of the official page).
        const body = parseAnyBody(req);
        const id = body?.["dept_id"] === undefined ? 1 : toInt(body["dept_id"]);
        const language = body?.["language"] ?? "zh_CN";
        if (id === undefined || (language !== "zh_CN" && language !== "en_US")) {
          return fail(req, 400002, "无效的参数");
        }
        const dept = deptByDingId(id);
        if (!dept) return fail(req, 60003, "部门不存在");
        const list = childrenOf(dept.key).map((d) => ({
          dept_id: d.dingtalkId,
          name: nameIn(d, language),
          parent_id: dept.dingtalkId,
          ...groupFlags(d),
        }));
        return ok(req, list);
      },
    },
    {
      method: "POST",
      pattern: "/topapi/v2/department/listsubid",
      auth: true,
      handle(req) {
        // help.dingtalk.io/open/development/obtain-the-list-of-sub-department-ids: dept_id required,
        // next level only, `result.dept_id_list`; 60003 for an unknown department, 400002 bad input.
        const id = toInt(parseAnyBody(req)?.["dept_id"]);
        if (id === undefined) return fail(req, 400002, "无效的参数");
        const dept = deptByDingId(id);
        if (!dept) return fail(req, 60003, "部门不存在");
        return ok(req, { dept_id_list: childrenOf(dept.key).map((d) => d.dingtalkId) });
      },
    },
    {
      method: "POST",
      pattern: "/topapi/v2/department/listparentbyuser",
      auth: true,
      handle(req) {
        // help.dingtalk.io/open/development/queries-the-list-of-all-parent-departments-of-a-user:
        // `result.parent_list[].parent_dept_id_list`, one path per department the user is in, from
        // that department up to the root (e.g. [456, 123, 1]); 33012 for an unknown userid.
        const userid = parseAnyBody(req)?.["userid"];
        if (typeof userid !== "string" || userid === "") return fail(req, 400002, "无效的参数");
        const person = byUserId(userid);
        if (!person) return fail(req, 33012, "无效的userId");
        const parentList = person.memberships.flatMap((m) => {
          const path = pathToRoot(m.deptKey);
          return path.length > 0 ? [{ parent_dept_id_list: path.map((d) => d.dingtalkId) }] : [];
        });
        return ok(req, { parent_list: parentList });
      },
    },
    {
      method: "GET",
      pattern: "/user/get",
      auth: true,
      handle(req) {
        const person = byUserId(req.query.get("userid") ?? "");
        if (!person) return fail(req, 60121, "找不到该用户");
        const lang = req.query.get("lang") === "en_US" ? "en_US" : "zh_CN";
        return { status: 200, body: { errcode: 0, errmsg: "ok", ...legacyView(person, lang) } };
      },
    },
  ];

  /** Direct children of a department, by their sibling `order` (ties: position in the org). */
  function childrenOf(key: string): Department[] {
    return org.departments.filter((d) => d.parentKey === key).sort(bySiblingOrder);
  }

  /** The department and its ancestors up to the root; empty when the department is gone. */
  function pathToRoot(key: string): Department[] {
    const path: Department[] = [];
    const seen = new Set<string>();
    for (let d = org.departmentByKey.get(key); d && !seen.has(d.key); ) {
      seen.add(d.key);
      path.push(d);
      d = d.parentKey === null ? undefined : org.departmentByKey.get(d.parentKey);
    }
    return path;
  }

  function nameIn(d: Department, language: unknown): string {
    return language === "en_US" && d.enName ? d.enName : d.name;
  }

  /** The root department has the all-staff group (全员群); the demo org creates no other department group. */
  function groupFlags(d: Department) {
    const isRoot = d.parentKey === null;
    return { create_dept_group: isRoot, auto_add_user: isRoot };
  }

  /**
   * `topapi/v2/department/get` result. Field names: the official page (English copy at
   * help.dingtalk.io/open/development/query-department-details0-v2) and the TOP SDK's
   * `OapiV2DepartmentGetResponse.DeptGetResponseDomain` (plus `auto_approve_apply` from the
   * `dingtalk-rs` `DeptDetailResponse`). The root (1) has no `parent_id`. No member count is
   * documented for this API, so none is sent. `order` is the department's sibling order.
   */
  function departmentView(d: Department, language: unknown): Record<string, unknown> {
    const flags = groupFlags(d);
    const parent = d.parentKey === null ? undefined : org.departmentByKey.get(d.parentKey);
    const managers = leadersOf(org, d, listed).map((p) => p.userId);
    return {
      dept_id: d.dingtalkId,
      name: nameIn(d, language),
      ...(parent ? { parent_id: parent.dingtalkId } : {}),
      order: d.order ?? 0,
      ...flags,
      auto_approve_apply: false,
      ...(flags.create_dept_group
        ? {
            dept_group_chat_id: `chat${createHash("md5").update(d.key).digest("hex")}`,
            group_contain_sub_dept: true,
          }
        : { group_contain_sub_dept: false }),
      from_union_org: false,
      ...(managers.length > 0 ? { dept_manager_userid_list: managers } : {}),
      outer_dept: false,
      outer_permit_depts: [],
      outer_permit_users: [],
      hide_dept: false,
      user_permits: [],
      dept_permits: [],
    };
  }

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

/** Siblings sort by `order` (absent = 0); `Array.prototype.sort` is stable, so ties keep org order. */
function bySiblingOrder(a: Department, b: Department): number {
  return (a.order ?? 0) - (b.order ?? 0);
}

/**
 * A department's leaders: the listed members whose membership there says `leader`, in the
 * department's `leaderKeys` order (then by their order in the department).
 */
function leadersOf(org: DemoOrg, d: Department, listed: (p: Person) => boolean): Person[] {
  const rank = (p: Person) => {
    const i = d.leaderKeys?.indexOf(p.key) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return org.people
    .filter((p) => listed(p) && p.memberships.some((m) => m.deptKey === d.key && m.leader))
    .sort((a, b) => rank(a) - rank(b) || orderIn(a, d.key) - orderIn(b, d.key));
}

const ORDER_FIELDS: readonly string[] = ["entry_asc", "entry_desc", "modify_asc", "modify_desc", "custom"];

/**
 * user/list ordering. `custom` (the default) is the member's order in the department. `entry_*`
 * sorts by the hire date, the demo org's nearest thing to "joined the department". The demo org
 * records no modification times, so `modify_*` ties everywhere and falls back to `custom`.
 */
function memberOrder(orderField: string, deptKey: string): (a: Person, b: Person) => number {
  const custom = (a: Person, b: Person) =>
    orderIn(a, deptKey) - orderIn(b, deptKey) || a.userId.localeCompare(b.userId);
  if (orderField !== "entry_asc" && orderField !== "entry_desc") return custom;
  const sign = orderField === "entry_asc" ? 1 : -1;
  const hired = (p: Person) => p.hiredAt ?? Number.MAX_SAFE_INTEGER;
  return (a, b) => sign * (hired(a) - hired(b)) || custom(a, b);
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
