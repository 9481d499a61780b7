import { createHmac, randomBytes } from "node:crypto";
import {
  type Dialect,
  Emulator,
  type EmulatorRequest,
  parseJsonBody,
  type Reply,
  type Route,
} from "./emulator.ts";
import { type DemoOrg, type Department, type Person, type Phone, phoneKey } from "./org.ts";
import { TokenStore } from "./tokens.ts";

/**
 * Feishu/Lark open platform emulator (`open.feishu.cn/open-apis`): `code` in the body *and* a
 * non-2xx HTTP status on failure; tenant tokens `t-…` with `expire`; 429 + `x-ogw-ratelimit-*`.
 */
export interface FeishuApp {
  appId: string;
  appSecret: string;
}

const USER_ID_TYPES = ["open_id", "union_id", "user_id"] as const;
type UserIdType = (typeof USER_ID_TYPES)[number];
const DEPT_ID_TYPES = ["open_department_id", "department_id"] as const;
type DeptIdType = (typeof DEPT_ID_TYPES)[number];

export function createFeishuEmulator(org: DemoOrg, apps: FeishuApp[], options: { seed?: number } = {}) {
  const secrets = new Map(apps.map((a) => [a.appId, a.appSecret]));
  const tokens = new TokenStore("same-until-last-quarter", () => `t-g1${randomBytes(20).toString("hex")}`);
  const tokenKey = randomBytes(16);
  // The org is mutable (people and departments come and go at run time): every handler reads it
  // at request time. Linear scans are fine for the sizes the sandbox runs (≤ a few thousand).
  const inFeishu = (p: Person) => p.in.feishu;
  /** Who lists, counts and leads: resigned people have left the directory. */
  const listed = (p: Person) => p.in.feishu && p.status !== "resigned";

  const error = (
    req: EmulatorRequest,
    status: number,
    code: number,
    msg: string,
    extra: object = {},
  ): Reply => ({
    status,
    headers: logHeaders(req),
    body: {
      code,
      msg,
      error: {
        log_id: req.requestId,
        troubleshooter: `排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id=${req.requestId}&code=${code}&method_id=0`,
        ...extra,
      },
    },
  });
  const fieldError = (req: EmulatorRequest, field: string, description: string) =>
    error(req, 400, 99992402, "field validation failed", { field_violations: [{ field, description }] });
  const ok = (req: EmulatorRequest, data: unknown): Reply => ({
    status: 200,
    headers: logHeaders(req),
    body: { code: 0, msg: "success", data },
  });

  const dialect: Dialect = {
    authenticate(req) {
      const header = String(req.headers["authorization"] ?? "");
      const match = /^Bearer (\S+)$/.exec(header);
      if (!match) {
        return error(
          req,
          400,
          99991661,
          "Missing access token for authorization. Please make a request with token attached.",
        );
      }
      const check = tokens.check(match[1]);
      if (check.ok) return { app: check.app };
      return error(
        req,
        400,
        99991663,
        "Invalid access token for authorization. Please make a request with token attached.",
      );
    },
    fault(kind, req) {
      switch (kind) {
        case "http500":
          return { status: 500, body: "<html><body><h1>500 Internal Server Error</h1></body></html>" };
        case "http502":
          return { status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
        case "http503":
          return { status: 503, body: "<html><body><h1>503 Service Unavailable</h1></body></html>" };
        case "malformedJson":
          return {
            status: 200,
            headers: logHeaders(req),
            body: '{"code":0,"msg":"success","data":{"has_more":tr',
          };
        case "htmlThrottle":
          return {
            status: 429,
            headers: { "x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "1" },
            body: "<html><body><h1>429 Too Many Requests</h1></body></html>",
          };
        case "busy":
          return error(req, 500, 2200, "Internal Error");
        case "rateLimited":
        case "punishDeny":
          return dialect.rateLimited(req, 1);
      }
    },
    rateLimited(req, retryAfterSeconds) {
      const reply = error(req, 429, 99991400, "request trigger frequency limit");
      reply.headers = {
        ...reply.headers,
        "x-ogw-ratelimit-limit": "50",
        "x-ogw-ratelimit-reset": String(retryAfterSeconds),
      };
      return reply;
    },
    notFound() {
      return {
        status: 404,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: "404 page not found",
      };
    },
    revokeTokens: () => tokens.revokeAll(),
    reset: () => tokens.clear(),
  };

  /**
   * Opaque page tokens shaped like the real ones (`AQD9/…`, standard base64 with `/`, `+`, `=`), so a
   * client that forgets to URL-encode them fails here as it would upstream. A token is bound to its
   * query (`binding`: the endpoint, the department and, for children, `fetch_child`): tampering or
   * replaying it on another query → 40012.
   */
  function encodePageToken(binding: string, offset: number): string {
    const payload = Buffer.from(`${binding}|${offset}`);
    const mac = createHmac("sha256", tokenKey).update(payload).digest().subarray(0, 12);
    return `AQD9/${Buffer.concat([mac, payload]).toString("base64")}`;
  }
  function decodePageToken(token: string, binding: string): number | undefined {
    if (!token.startsWith("AQD9/")) return undefined;
    const text = Buffer.from(token.slice(5), "base64").subarray(12).toString("utf8");
    const cut = text.lastIndexOf("|");
    const offset = text.slice(cut + 1);
    if (cut < 0 || text.slice(0, cut) !== binding || !/^\d+$/.test(offset)) return undefined;
    return encodePageToken(binding, Number(offset)) === token ? Number(offset) : undefined;
  }

  /** `page_size`: default 10, 1..50, else 40011 (PROTOCOLS §2.2). */
  function pageSizeOf(req: EmulatorRequest): number | Reply {
    const rawSize = req.query.get("page_size");
    const pageSize = rawSize === null || rawSize === "" ? 10 : Number(rawSize);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50) {
      return error(req, 400, 40011, "page size is invalid");
    }
    return pageSize;
  }

  /** `page_token` → offset (0 without one), or the 40012 reply. */
  function offsetOf(req: EmulatorRequest, binding: string): number | Reply {
    const rawToken = req.query.get("page_token");
    if (!rawToken) return 0;
    return decodePageToken(rawToken, binding) ?? error(req, 400, 40012, "page token is invalid error");
  }

  /** `0` is the root under either id type. */
  function findDepartment(id: string, type: DeptIdType): Department | undefined {
    if (id === "0") return org.departments.find((d) => d.parentKey === null);
    return org.departments.find((d) => deptIdOf(d, type) === id);
  }

  /**
   * The demo app's contact scope, department by department (`inFeishuScope`). A department outside
   * it answers 40004 and is left out of listings; its sub-departments follow their own flag, as an
   * app's scope may name a sub-department of a department it does not cover.
   */
  function inScope(d: Department): boolean {
    return d.inFeishuScope;
  }

  /** Every department under `key` (not itself), breadth-first, siblings by `order` (ties: org order). */
  function subtreeOf(key: string, recursive: boolean): Department[] {
    const children = new Map<string, Department[]>();
    for (const d of org.departments) {
      if (d.parentKey === null) continue;
      const list = children.get(d.parentKey) ?? [];
      list.push(d);
      children.set(d.parentKey, list);
    }
    for (const list of children.values()) list.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    const out: Department[] = [];
    const seen = new Set<string>([key]);
    const queue = [key];
    while (queue.length > 0) {
      for (const child of children.get(queue.shift()!) ?? []) {
        if (seen.has(child.key)) continue;
        seen.add(child.key);
        out.push(child);
        if (recursive) queue.push(child.key);
      }
    }
    return out;
  }

  /**
   * `member_count` (users of the department and every department below it, leaders included) and
   * `primary_member_count` (of those, the ones whose primary department is in that subtree), per the
   * SDK field docs (vicenteyu/FeishuNetSdk GetContactV3DepartmentsByDepartmentIdChildrenResponseDto,
   * generated from the official page). One pass over the people per request.
   */
  function memberCounts(): Map<string, { all: number; primary: number }> {
    const counts = new Map<string, { all: number; primary: number }>();
    const bump = (key: string, field: "all" | "primary") => {
      const c = counts.get(key) ?? { all: 0, primary: 0 };
      c[field] += 1;
      counts.set(key, c);
    };
    for (const p of org.people) {
      if (!listed(p)) continue;
      const keys = new Set(p.memberships.flatMap((m) => ancestorKeys(m.deptKey)));
      for (const key of keys) bump(key, "all");
      const primary = p.memberships.find((m) => m.primary) ?? p.memberships[0];
      if (primary) for (const key of ancestorKeys(primary.deptKey)) bump(key, "primary");
    }
    return counts;
  }

  /** The department's key and its ancestors' keys; empty when the department is gone. */
  function ancestorKeys(key: string): string[] {
    const keys: string[] = [];
    for (let d = org.departmentByKey.get(key); d && !keys.includes(d.key); ) {
      keys.push(d.key);
      d = d.parentKey === null ? undefined : org.departmentByKey.get(d.parentKey);
    }
    return keys;
  }

  /**
   * A contact-v3 `department`. Field names and types: `@larksuiteoapi/node-sdk` types
   * (`contact.department.get` / `children`: `order` is a string, `leaders: [{leaderType, leaderID}]`,
   * `status: {is_deleted}`, `member_count`, `primary_member_count`) and the example at
   * feishu.apifox.cn/api-58296620 (mirror of contact-v3/department/get). `parent_department_id` and
   * the leader ids follow `department_id_type` / `user_id_type`; the root's parent is "" (choice:
   * no source shows the root's own record). Leaders: members flagged `leader` there, in the
   * department's `leaderKeys` order; the first is the main one (leaderType 1), the others deputies
   * (2). `order`: the department's sibling order, as a string.
   */
  function departmentView(
    d: Department,
    types: { userIdType: UserIdType; deptIdType: DeptIdType },
    counts: Map<string, { all: number; primary: number }>,
  ): Record<string, unknown> {
    const parent = d.parentKey === null ? undefined : org.departmentByKey.get(d.parentKey);
    const rank = (p: Person) => {
      const i = d.leaderKeys?.indexOf(p.key) ?? -1;
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const leaders = org.people
      .filter((p) => listed(p) && p.memberships.some((m) => m.deptKey === d.key && m.leader))
      .sort((a, b) => rank(a) - rank(b) || orderIn(a, d.key) - orderIn(b, d.key))
      .map((p) => idOf(p, types.userIdType));
    const count = counts.get(d.key) ?? { all: 0, primary: 0 };
    return {
      name: d.name,
      i18n_name: { zh_cn: d.name, en_us: d.enName },
      parent_department_id: parent ? deptIdOf(parent, types.deptIdType) : "",
      department_id: d.feishuId,
      open_department_id: d.feishuOpenId,
      ...(leaders.length > 0
        ? {
            leader_user_id: leaders[0],
            leaders: leaders.map((leaderID, i) => ({ leaderType: i === 0 ? 1 : 2, leaderID })),
          }
        : {}),
      order: String(d.order ?? 0),
      member_count: count.all,
      primary_member_count: count.primary,
      status: { is_deleted: false },
    };
  }

  function idTypes(req: EmulatorRequest): { userIdType: UserIdType; deptIdType: DeptIdType } | Reply {
    const userIdType = req.query.get("user_id_type") ?? "open_id";
    const deptIdType = req.query.get("department_id_type") ?? "open_department_id";
    if (!USER_ID_TYPES.includes(userIdType as UserIdType)) {
      return fieldError(req, "user_id_type", "user_id_type must be one of open_id, union_id, user_id");
    }
    if (!DEPT_ID_TYPES.includes(deptIdType as DeptIdType)) {
      return fieldError(
        req,
        "department_id_type",
        "department_id_type must be one of department_id, open_department_id",
      );
    }
    return { userIdType: userIdType as UserIdType, deptIdType: deptIdType as DeptIdType };
  }

  const routes: Route[] = [
    {
      method: "POST",
      pattern: "/open-apis/auth/v3/tenant_access_token/internal",
      auth: false,
      handle(req, { knobs }) {
        const body = parseJsonBody(req);
        const appId = body?.["app_id"];
        const appSecret = body?.["app_secret"];
        if (typeof appId !== "string" || typeof appSecret !== "string") {
          return error(req, 400, 10003, "invalid param");
        }
        if (!secrets.has(appId)) return error(req, 400, 10003, "invalid param: app_id not found");
        if (secrets.get(appId) !== appSecret) return error(req, 400, 10014, "app secret invalid");
        const issued = tokens.issue(appId, knobs.tokenTtlSeconds);
        return {
          status: 200,
          headers: logHeaders(req),
          body: { code: 0, msg: "ok", tenant_access_token: issued.token, expire: issued.expiresIn },
        };
      },
    },
    {
      method: "GET",
      pattern: "/open-apis/contact/v3/users/find_by_department",
      auth: true,
      handle(req) {
        const types = idTypes(req);
        if ("status" in types) return types;
        const departmentId = req.query.get("department_id");
        if (!departmentId) return fieldError(req, "department_id", "department_id is required");
        const pageSize = pageSizeOf(req);
        if (typeof pageSize !== "number") return pageSize;
        const dept = findDepartment(departmentId, types.deptIdType);
        if (!dept || !inScope(dept)) return error(req, 403, 40004, "no dept authority error");
        const offset = offsetOf(req, `users|${dept.key}`);
        if (typeof offset !== "number") return offset;
        const members = org.people
          .filter((p) => listed(p) && p.memberships.some((m) => m.deptKey === dept.key))
          .sort((a, b) => orderIn(a, dept.key) - orderIn(b, dept.key) || a.userId.localeCompare(b.userId));
        const items = members
          .slice(offset, offset + pageSize)
          .map((p) => userView(p, types.userIdType, types.deptIdType));
        const hasMore = offset + pageSize < members.length;
        return ok(req, {
          has_more: hasMore,
          ...(hasMore ? { page_token: encodePageToken(`users|${dept.key}`, offset + pageSize) } : {}),
          items,
        });
      },
    },
    {
      method: "POST",
      pattern: "/open-apis/contact/v3/users/batch_get_id",
      auth: true,
      handle(req) {
        const types = idTypes(req);
        if ("status" in types) return types;
        const body = parseJsonBody(req);
        if (!body) return fieldError(req, "body", "request body must be JSON");
        const emails = body["emails"] ?? [];
        const mobiles = body["mobiles"] ?? [];
        const includeResigned = body["include_resigned"] === true;
        if (!isStringList(emails) || emails.length > 50)
          return fieldError(req, "emails", "emails: at most 50 strings");
        if (!isStringList(mobiles) || mobiles.length > 50)
          return fieldError(req, "mobiles", "mobiles: at most 50 strings");
        // Only the user's own `email` matches: the SDK's jsdoc for batchGetId says an enterprise
        // email returns no user id ("使用企业邮箱查询将无法返回用户 ID，必须使用用户的邮箱地址"), and
        // resigned users only with include_resigned (same jsdoc, @larksuiteoapi/node-sdk types).
        const visible = org.people.filter((p) => inFeishu(p) && (includeResigned || p.status !== "resigned"));
        const entry = (p: Person | undefined) =>
          p ? { user_id: idOf(p, types.userIdType), status: feishuStatusView(p) } : {};
        const userList = [
          ...emails.map((email) => ({ email, ...entry(visible.find((p) => p.email === email)) })),
          ...mobiles.map((mobile) => {
            const key = feishuMobileKey(mobile);
            const found = key ? visible.find((p) => p.mobile && phoneKey(p.mobile) === key) : undefined;
            return { mobile, ...entry(found) };
          }),
        ];
        return ok(req, { user_list: userList });
      },
    },
    {
      method: "GET",
      pattern: "/open-apis/contact/v3/departments/:department_id",
      auth: true,
      handle(req) {
        // Errors: 403 40004 outside the app's scope, 400 40015 "department not exist"
        // (feishu.apifox.cn/api-58296620, mirror of contact-v3/department/get's error table).
        const types = idTypes(req);
        if ("status" in types) return types;
        const dept = findDepartment(req.params["department_id"] ?? "", types.deptIdType);
        if (!dept) return error(req, 400, 40015, "department not exist");
        if (!inScope(dept)) return error(req, 403, 40004, "no dept authority error");
        return ok(req, { department: departmentView(dept, types, memberCounts()) });
      },
    },
    {
      method: "GET",
      pattern: "/open-apis/contact/v3/departments/:department_id/children",
      auth: true,
      handle(req) {
        // open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/reference/contact-v3/department/children:
        // `fetch_child` (recursive), `page_size` (default 10, max 50), `page_token`; the queried
        // department must be in the app's scope (root 0: the whole org). With fetch_child the
        // subtree comes breadth-first, siblings in department order (the page does not state an
        // order; breadth-first is what a caller walking levels expects). Out-of-scope departments
        // are left out.
        const types = idTypes(req);
        if ("status" in types) return types;
        const rawFetch = req.query.get("fetch_child");
        if (rawFetch !== null && rawFetch !== "true" && rawFetch !== "false") {
          return fieldError(req, "fetch_child", "fetch_child must be a boolean");
        }
        const fetchChild = rawFetch === "true";
        const pageSize = pageSizeOf(req);
        if (typeof pageSize !== "number") return pageSize;
        const dept = findDepartment(req.params["department_id"] ?? "", types.deptIdType);
        if (!dept) return error(req, 400, 40015, "department not exist");
        if (!inScope(dept)) return error(req, 403, 40004, "no dept authority error");
        const binding = `children|${dept.key}|${fetchChild ? 1 : 0}`;
        const offset = offsetOf(req, binding);
        if (typeof offset !== "number") return offset;
        const all = subtreeOf(dept.key, fetchChild).filter(inScope);
        const counts = memberCounts();
        const items = all.slice(offset, offset + pageSize).map((d) => departmentView(d, types, counts));
        const hasMore = offset + pageSize < all.length;
        return ok(req, {
          has_more: hasMore,
          ...(hasMore ? { page_token: encodePageToken(binding, offset + pageSize) } : {}),
          items,
        });
      },
    },
    {
      method: "GET",
      pattern: "/open-apis/contact/v3/users/batch",
      auth: true,
      handle(req) {
        // open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/reference/contact-v3/user/batch:
        // `user_ids` once per id ("可多次传递同一参数名"), at most 50, of `user_id_type` (default
        // open_id); `department_id_type` for `department_ids`; 1000/min, 50/s; `data.items` are users
        // as users/:user_id shows them. Its error table: 400 40001 "invalid parameter", 400 41050, 403
        // 40004. An id no user of the app's contact scope has is left out of `items` (choice: the
        // page does not say when 41050 comes; a batch failing for one unknown id would make it
        // useless for lookups). No ids or more than 50: 40001. Each user once, in the order asked
        // (the page states no order). Before users/:user_id: `batch` is not a user id here.
        const types = idTypes(req);
        if ("status" in types) return types;
        const ids = req.query.getAll("user_ids");
        if (ids.length === 0 || ids.length > 50) return error(req, 400, 40001, "invalid parameter");
        const people = new Set<Person>();
        for (const id of ids) {
          const person = org.people.find((p) => inFeishu(p) && idOf(p, types.userIdType) === id);
          if (person) people.add(person);
        }
        return ok(req, { items: [...people].map((p) => userView(p, types.userIdType, types.deptIdType)) });
      },
    },
    {
      method: "GET",
      pattern: "/open-apis/contact/v3/users/:user_id",
      auth: true,
      handle(req) {
        const types = idTypes(req);
        if ("status" in types) return types;
        const id = req.params["user_id"] ?? "";
        const person = org.people.find((p) => inFeishu(p) && idOf(p, types.userIdType) === id);
        if (!person) return error(req, 400, 41050, "no user authority error");
        return ok(req, { user: userView(person, types.userIdType, types.deptIdType) });
      },
    },
  ];

  function userView(p: Person, userIdType: UserIdType, deptIdType: DeptIdType): Record<string, unknown> {
    const deptId = (key: string) => {
      const d = org.departmentByKey.get(key);
      return (deptIdType === "department_id" ? d?.feishuId : d?.feishuOpenId) ?? "0";
    };
    const leader = p.managerKey ? org.personByKey.get(p.managerKey) : undefined;
    const view: Record<string, unknown> = {
      union_id: p.feishuUnionId,
      user_id: p.userId,
      open_id: p.feishuOpenId,
      name: p.name,
      en_name: p.enName ?? "",
      ...(p.nickname ? { nickname: p.nickname } : {}),
      ...(p.email ? { email: p.email } : {}),
      ...(p.mobile ? { mobile: formatFeishuMobile(p.mobile) } : {}),
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
      ...(leader?.in.feishu ? { leader_user_id: idOf(leader, userIdType) } : {}),
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
      })),
      ...(p.orgEmail ? { enterprise_email: p.orgEmail } : {}),
      ...(p.title ? { job_title: p.title } : {}),
      is_frozen: p.status === "frozen" || p.status === "disabled",
    };
    const extras = { ...p.extras?.feishu };
    if (deptIdType !== "open_department_id") delete extras["orders"];
    return { ...view, ...extras };
  }

  const emulator = new Emulator({ name: "feishu", routes, dialect, knobs: {}, seed: options.seed });
  return {
    emulator,
    apps,
    /** Every token issued since the last reset. */
    issuedTokens: () => tokens.all(),
    addApp(app: FeishuApp) {
      secrets.set(app.appId, app.appSecret);
    },
  };
}

function logHeaders(req: EmulatorRequest): Record<string, string> {
  return { "x-tt-logid": req.requestId, "x-request-id": req.requestId };
}

function deptIdOf(d: Department, type: DeptIdType): string {
  return type === "department_id" ? d.feishuId : d.feishuOpenId;
}

function idOf(p: Person, type: UserIdType): string {
  return type === "open_id" ? p.feishuOpenId : type === "union_id" ? p.feishuUnionId : p.userId;
}

/** A person's contact v3 `status`: the same in the API's answers and in the pushed events. */
export function feishuStatusView(p: Person) {
  return {
    is_frozen: p.status === "frozen" || p.status === "disabled",
    is_resigned: p.status === "resigned",
    is_activated: p.status === "active" || p.status === "frozen",
    is_exited: p.status === "resigned",
    is_unjoin: p.status === "inactive",
  };
}

function orderIn(p: Person, deptKey: string): number {
  return p.memberships.find((m) => m.deptKey === deptKey)?.order ?? Number.MAX_SAFE_INTEGER;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Feishu shows mainland numbers as `+86…`, others as `+CC…` (seed 004 also shows the bare 11 digits). */
function formatFeishuMobile(phone: Phone): string {
  return `+${phone.countryCode}${phone.national}`;
}

/**
 * Feishu takes mainland numbers with or without `+86`; others need `+` and the country code.
 * Returns the number's digits with the country code (the demo org's `phoneKey`), or undefined.
 */
export function feishuMobileKey(mobile: string): string | undefined {
  if (/^1\d{10}$/.test(mobile)) return `86${mobile}`;
  return /^\+\d{6,15}$/.test(mobile) ? mobile.slice(1) : undefined;
}

export type FeishuEmulator = ReturnType<typeof createFeishuEmulator>;
