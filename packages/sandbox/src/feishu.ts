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
  const people = org.people.filter((p) => p.in.feishu);

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
   * client that forgets to URL-encode them fails here as it would upstream. Tampering → 40012.
   */
  function encodePageToken(deptKey: string, offset: number): string {
    const payload = Buffer.from(`${deptKey}|${offset}`);
    const mac = createHmac("sha256", tokenKey).update(payload).digest().subarray(0, 12);
    return `AQD9/${Buffer.concat([mac, payload]).toString("base64")}`;
  }
  function decodePageToken(token: string, deptKey: string): number | undefined {
    if (!token.startsWith("AQD9/")) return undefined;
    const raw = Buffer.from(token.slice(5), "base64");
    const [key, offset] = raw.subarray(12).toString("utf8").split("|");
    if (key !== deptKey || !offset || !/^\d+$/.test(offset)) return undefined;
    return encodePageToken(key, Number(offset)) === token ? Number(offset) : undefined;
  }

  function findDepartment(id: string, type: DeptIdType): Department | undefined {
    if (id === "0") return org.departmentByKey.get("root");
    return org.departments.find((d) => (type === "department_id" ? d.feishuId : d.feishuOpenId) === id);
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
        const rawSize = req.query.get("page_size");
        const pageSize = rawSize === null || rawSize === "" ? 10 : Number(rawSize);
        if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50) {
          return error(req, 400, 40011, "page size is invalid");
        }
        const dept = findDepartment(departmentId, types.deptIdType);
        if (!dept?.inFeishuScope) return error(req, 403, 40004, "no dept authority error");
        const rawToken = req.query.get("page_token");
        let offset = 0;
        if (rawToken) {
          const decoded = decodePageToken(rawToken, dept.key);
          if (decoded === undefined) return error(req, 400, 40012, "page token is invalid error");
          offset = decoded;
        }
        const members = people
          .filter((p) => p.status !== "resigned" && p.memberships.some((m) => m.deptKey === dept.key))
          .sort((a, b) => orderIn(a, dept.key) - orderIn(b, dept.key) || a.userId.localeCompare(b.userId));
        const items = members
          .slice(offset, offset + pageSize)
          .map((p) => userView(p, types.userIdType, types.deptIdType));
        const hasMore = offset + pageSize < members.length;
        return ok(req, {
          has_more: hasMore,
          ...(hasMore ? { page_token: encodePageToken(dept.key, offset + pageSize) } : {}),
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
        const visible = people.filter((p) => includeResigned || p.status !== "resigned");
        const entry = (p: Person | undefined) =>
          p ? { user_id: idOf(p, types.userIdType), status: statusView(p) } : {};
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
      pattern: "/open-apis/contact/v3/users/:user_id",
      auth: true,
      handle(req) {
        const types = idTypes(req);
        if ("status" in types) return types;
        const id = req.params["user_id"] ?? "";
        const person = people.find((p) => idOf(p, types.userIdType) === id);
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
      status: statusView(p),
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

function idOf(p: Person, type: UserIdType): string {
  return type === "open_id" ? p.feishuOpenId : type === "union_id" ? p.feishuUnionId : p.userId;
}

function statusView(p: Person) {
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
