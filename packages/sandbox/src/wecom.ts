import {
  type Caller,
  type Dialect,
  Emulator,
  type EmulatorRequest,
  type Reply,
  type Route,
} from "./emulator.ts";
import { type DemoOrg, type Department, inWeCom, type Person, phoneKey } from "./org.ts";
import { type WeComApp, WeComScope, weComDeptId, weComMobileKey, weComUserId } from "./wecom-views.ts";
import {
  CursorCodec,
  callerIp,
  fail,
  invalidParameter,
  ok,
  readBody,
  TEXT,
  WeComTokenStore,
} from "./wecom-wire.ts";

export { type WeComApp, type WeComAppKind, weComStatus, withholdsSensitive } from "./wecom-views.ts";

/**
 * WeCom (企业微信) `qyapi.weixin.qq.com/cgi-bin` emulator: always HTTP 200 with `{errcode, errmsg}`
 * (PROTOCOLS §0, §4, §7.4), one corp with several apps (each secret its own token), per-app
 * visibility, trusted IPs (60020), withheld fields for apps created after 2022-06-20, list_id only
 * with the contact-sync secret (48002), the getuserid / get_userid_by_email error budget, and
 * per-corp per-API rate limits (45009) and concurrency (45033).
 */
export interface WeComCorp {
  /** `corpid`: `ww` and 16 hex digits. */
  corpId: string;
  apps: WeComApp[];
}

/** WeCom-only knobs (the framework's knobs cover token TTL, latency and the per-minute limit). */
export interface WeComLimits {
  /**
   * 企业人数上限. "请确保手机号的正确性，若出错的次数超出企业人数上限的20%，会导致1天不可调用"
   * (getuserid 95402/96267; get_userid_by_email 95895/96268 alike).
   */
  memberCap: number;
  /** Calls per corp per API per clock hour ("每企业每接口 150,000次/小时", 90454); null = unlimited. */
  perHour: number | null;
  /** Calls per corp per API at once before 45033; null = unlimited. */
  maxConcurrent: number | null;
  /** How long (ms) each API call holds its concurrency slot, so that concurrency can build up. */
  holdMs: number;
}

const DEFAULT_LIMITS: WeComLimits = { memberCap: 1000, perHour: 150_000, maxConcurrent: null, holdMs: 0 };

/**
 * The demo corp: (a) a self-built app created after 2022-06-20 that sees the whole org (no
 * sensitive fields) — `demo-wecom`; (b) a self-built app created before, which still receives mobile
 * and email but does not see the board — `demo-wecom-legacy-app`; (c) the contact-sync secret
 * (通讯录同步, list_id); (d) a 代开发 app (open_userid). Sandbox-only, distinctive values (leak tests
 * search for them), 43 characters like real secrets.
 */
export const WECOM_DEMO_CREDENTIALS = {
  corpId: "ww5bd0c3a17e9f2468",
  app: {
    name: "1000002",
    agentId: 1000002,
    secret: "wc-sbx-app-Hq3Zt8Lw2Nx6Vb1Kc5Pm9Ra4Yd7Jf0Us",
  },
  legacyApp: {
    name: "1000001",
    agentId: 1000001,
    secret: "wc-sbx-legacy-Tg5Xk1Qw8Mz3Rc7Bn2Vj6Ph9Ld4Fs",
  },
  contacts: { name: "contacts", secret: "wc-sbx-contacts-Ym2Wq7Nd4Kx9Zt3Hb8Rc1Vg6Lp5" },
  customized: {
    name: "1000003",
    agentId: 1000003,
    secret: "wc-sbx-customized-Pf6Ta1Ks8Wn3Qz7Dm2Xh9Cv4R",
  },
} as const;

/** The demo corp's apps, as `createWeComEmulator` takes them. */
export function weComDemoCorp(): WeComCorp {
  const c = WECOM_DEMO_CREDENTIALS;
  return {
    corpId: c.corpId,
    apps: [
      { ...c.app, kind: "self-built", createdAt: "2023-03-15T10:00:00+08:00" },
      {
        ...c.legacyApp,
        kind: "self-built",
        createdAt: "2021-09-01T10:00:00+08:00",
        visibleDepartmentKeys: ["rd", "product", "design", "sales"],
      },
      { ...c.contacts, kind: "contact-sync", createdAt: "2020-01-01T10:00:00+08:00" },
      { ...c.customized, kind: "customized", createdAt: "2024-05-20T10:00:00+08:00" },
    ],
  };
}

interface WeComCaller extends Caller {
  wecomApp: string;
}

const GATEWAY_PAGE = (status: number, text: string) =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

const LOOKUP_APIS = ["getuserid", "get_userid_by_email"] as const;
type LookupApi = (typeof LOOKUP_APIS)[number];

export interface WeComEmulatorOptions {
  seed?: number;
  /** WeCom-only knobs; see `WeComLimits`. */
  limits?: Partial<WeComLimits>;
  /** Clock for the error budget's day (Asia/Shanghai midnight). */
  now?: () => number;
}

export function createWeComEmulator(org: DemoOrg, corp: WeComCorp, options: WeComEmulatorOptions = {}) {
  const initialApps = corp.apps.map((a) => structuredClone(a));
  let apps = initialApps.map((a) => structuredClone(a));
  const defaults: WeComLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const limits: WeComLimits = { ...defaults };
  const now = options.now ?? Date.now;
  const tokens = new WeComTokenStore();
  const cursors = new CursorCodec();
  const misses = new Map<LookupApi, { day: string; count: number }>();
  const hourly = new Map<string, { start: number; count: number }>();
  const inFlight = new Map<string, number>();

  const appNamed = (name: string) => apps.find((a) => a.name === name);

  const dialect: Dialect = {
    authenticate(req) {
      const token = req.query.get("access_token");
      if (!token) return fail(req, 41001, TEXT.missingToken);
      const check = tokens.check(token);
      // An expired token is 42001 (WxCpErrorMsgEnum: access_token已过期); one WeCom invalidated early,
      // or never issued, is 40014 (PROTOCOLS §4.4 notes the two are not always kept apart upstream).
      if (!check.ok)
        return check.expired ? fail(req, 42001, TEXT.expiredToken) : fail(req, 40014, TEXT.invalidToken);
      const app = appNamed(check.app);
      if (!app) return fail(req, 40014, TEXT.invalidToken);
      // gettoken itself is not checked: reports show a token issued and the next call refused (60020).
      if (app.trustedIps && !app.trustedIps.includes(callerIp(req)))
        return fail(req, 60020, TEXT.untrustedIp);
      // Rate limits are per corp per API (90454): the framework keys its limiter by `app`.
      const caller: WeComCaller = { app: corp.corpId, wecomApp: app.name };
      return caller;
    },
    fault(kind, req) {
      switch (kind) {
        case "http500":
          return { status: 500, body: GATEWAY_PAGE(500, "Internal Server Error") };
        case "http502":
          return { status: 502, body: GATEWAY_PAGE(502, "Bad Gateway") };
        case "http503":
          return { status: 503, body: GATEWAY_PAGE(503, "Service Temporarily Unavailable") };
        case "malformedJson":
          return {
            status: 200,
            headers: { "content-type": "application/json; charset=UTF-8" },
            body: '{"errcode":0,"errmsg":"ok","userid":"zhang',
          };
        case "busy":
          return fail(req, -1, TEXT.busy);
        // WeCom documents no HTML throttle page or IP-ban body: its throttle is errcode 45009.
        case "htmlThrottle":
        case "punishDeny":
        case "rateLimited":
          return fail(req, 45009, TEXT.freqLimit);
      }
    },
    rateLimited(req) {
      return fail(req, 45009, TEXT.freqLimit);
    },
    notFound() {
      return { status: 404, body: GATEWAY_PAGE(404, "Not Found") };
    },
    revokeTokens: () => tokens.revokeAll(),
    reset() {
      tokens.clear();
      misses.clear();
      hourly.clear();
      inFlight.clear();
      Object.assign(limits, defaults);
      apps = initialApps.map((a) => structuredClone(a));
    },
  };

  /** Wraps an API handler in the hour limit and the concurrency gate, and resolves the caller's app. */
  function api(
    name: string,
    handle: (req: EmulatorRequest, scope: WeComScope) => Reply | Promise<Reply>,
  ): Route["handle"] {
    return async (req, ctx) => {
      const app = appNamed((ctx.caller as WeComCaller).wecomApp);
      if (!app) return fail(req, 40014, TEXT.invalidToken);
      if (limits.perHour !== null) {
        const t = now();
        const window = hourly.get(name);
        const current = window && t - window.start < 3_600_000 ? window : { start: t, count: 0 };
        current.count += 1;
        hourly.set(name, current);
        if (current.count > limits.perHour) return fail(req, 45009, TEXT.freqLimit);
      }
      const running = (inFlight.get(name) ?? 0) + 1;
      if (limits.maxConcurrent !== null && running > limits.maxConcurrent) {
        return fail(req, 45033, TEXT.concurrency);
      }
      inFlight.set(name, running);
      try {
        if (limits.holdMs > 0) await new Promise((r) => setTimeout(r, limits.holdMs));
        return await handle(req, new WeComScope(org, app));
      } finally {
        inFlight.set(name, (inFlight.get(name) ?? 1) - 1);
      }
    };
  }

  // --- the error budget of getuserid / get_userid_by_email --------------------------------------

  /** The day in Asia/Shanghai (UTC+8, no DST): the ban lasts "一自然天" (90454). */
  const today = () => new Date(now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const budget = () => Math.floor(limits.memberCap * 0.2);
  const missesToday = (api: LookupApi) => {
    const entry = misses.get(api);
    if (entry && entry.day === today()) return entry;
    const fresh = { day: today(), count: 0 };
    misses.set(api, fresh);
    return fresh;
  };
  /**
   * WeCom documents the block ("1天不可调用") but not its errcode. The rate-limit page (90454)
   * answers every ban, minute to day, with 45009 "api freq out of limit", so the block does too.
   * The wrong attempt that goes beyond the budget is the first one refused.
   */
  const blocked = (req: EmulatorRequest, api: LookupApi) =>
    missesToday(api).count > budget() ? fail(req, 45009, TEXT.freqLimit) : undefined;
  const miss = (req: EmulatorRequest, api: LookupApi) => {
    const entry = missesToday(api);
    entry.count += 1;
    return blocked(req, api) ?? fail(req, 46004, TEXT.userNotExist);
  };

  // --- lookups at request time ---------------------------------------------------------------------

  const wecomPeople = () => org.people.filter(inWeCom);
  const personByUserId = (userid: string) => {
    const wanted = userid.toLowerCase();
    // "不区分大小写" (读取成员 90196): the stored case comes back.
    return wecomPeople().find((p) => weComUserId(p).toLowerCase() === wanted);
  };
  /** A department's direct members, larger member order first ("数值越大排序越前面", 创建成员 90195). */
  const directMembers = (dept: Department): Person[] => {
    const orderIn = (p: Person) => p.memberships.find((m) => m.deptKey === dept.key)?.order ?? 0;
    return wecomPeople()
      .filter((p) => p.memberships.some((m) => m.deptKey === dept.key))
      .sort((a, b) => orderIn(b) - orderIn(a) || weComUserId(a).localeCompare(weComUserId(b)));
  };
  const departmentById = (raw: string | null): Department | undefined => {
    if (raw === null || !/^\d{1,10}$/.test(raw)) return undefined;
    const id = Number(raw);
    return org.departments.find((d) => weComDeptId(d) === id);
  };

  const routes: Route[] = [
    {
      method: "GET",
      pattern: "/cgi-bin/gettoken",
      auth: false,
      handle(req, { knobs }) {
        // path/91039. A wrong corpid is 40013, a wrong secret 40001 "invalid credential" (wire trace
        // in go-laoji/wecom-go-sdk; 40091 "secret不合法" is another corp's secret, not modelled).
        const corpid = req.query.get("corpid");
        const secret = req.query.get("corpsecret");
        if (!corpid) return fail(req, 41002, TEXT.missingCorpId);
        if (corpid !== corp.corpId) return fail(req, 40013, TEXT.invalidCorpId);
        if (!secret) return fail(req, 41004, TEXT.missingSecret);
        const app = apps.find((a) => a.secret === secret);
        if (!app) return fail(req, 40001, TEXT.invalidCredential);
        const issued = tokens.issue(app.name, knobs.tokenTtlSeconds);
        return ok({ access_token: issued.token, expires_in: issued.expiresIn });
      },
    },
    {
      method: "POST",
      pattern: "/cgi-bin/user/getuserid",
      auth: true,
      handle: api("getuserid", (req, scope) => {
        const refused = blocked(req, "getuserid");
        if (refused) return refused;
        const { body, warning } = readBody(req);
        const mobile = typeof body["mobile"] === "string" ? body["mobile"] : "";
        // "mobile … 长度为5~32个字节" (95402/96267).
        const bytes = Buffer.byteLength(mobile);
        if (bytes < 5) return invalidParameter(req, "mobile exceed min length 5", warning);
        if (bytes > 32) return invalidParameter(req, "mobile exceed max length 32", warning);
        const key = weComMobileKey(mobile);
        const person = key ? wecomPeople().find((p) => p.mobile && phoneKey(p.mobile) === key) : undefined;
        if (!person) return miss(req, "getuserid");
        // "应用须拥有指定成员的查看权限".
        if (!scope.seesPerson(person)) return fail(req, 60011, TEXT.noPrivilege);
        return ok({ userid: weComUserId(person) });
      }),
    },
    {
      method: "POST",
      pattern: "/cgi-bin/user/get_userid_by_email",
      auth: true,
      handle: api("get_userid_by_email", (req, scope) => {
        const refused = blocked(req, "get_userid_by_email");
        if (refused) return refused;
        const { body, warning } = readBody(req);
        const email = typeof body["email"] === "string" ? body["email"].trim() : "";
        // "email_type 邮箱类型：1-企业邮箱（默认）；2-个人邮箱" (95895/96268).
        const type = body["email_type"] ?? 1;
        if (email === "") return invalidParameter(req, "email is empty", warning);
        if (type !== 1 && type !== 2) return invalidParameter(req, "email_type should be 1 or 2", warning);
        const wanted = email.toLowerCase();
        const person = wecomPeople().find(
          (p) => (type === 1 ? p.orgEmail : p.email)?.toLowerCase() === wanted,
        );
        if (!person) return miss(req, "get_userid_by_email");
        if (!scope.seesPerson(person)) return fail(req, 60011, TEXT.noPrivilege);
        return ok({ userid: weComUserId(person) });
      }),
    },
    {
      method: "GET",
      pattern: "/cgi-bin/user/get",
      auth: true,
      handle: api("user/get", (req, scope) => {
        const userid = req.query.get("userid");
        if (!userid) return fail(req, 41009, TEXT.missingUserId);
        if (Buffer.byteLength(userid) > 64 || !/^[A-Za-z0-9_.@-]+$/.test(userid)) {
          return fail(req, 40003, TEXT.invalidUserId);
        }
        const person = personByUserId(userid);
        // The 60111 answer carries empty lists (ZacharyJia/serverchan#2, on the wire):
        // {"errcode":60111,"errmsg":"userid not found, hint: …","department":[],"order":[],"is_leader_in_dept":[]}
        if (!person) {
          return fail(req, 60111, TEXT.userIdNotFound, { department: [], order: [], is_leader_in_dept: [] });
        }
        if (!scope.seesPerson(person)) return fail(req, 60011, TEXT.noPrivilege);
        return ok(scope.userView(person));
      }),
    },
    {
      method: "GET",
      pattern: "/cgi-bin/department/get",
      auth: true,
      handle: api("department/get", (req, scope) => {
        const raw = req.query.get("id");
        if (raw === null || raw === "") return invalidParameter(req, "id is required", false);
        const dept = departmentById(raw);
        if (!dept) return fail(req, 60123, TEXT.invalidPartyId);
        // "普通自建应用只能拉取token对应的应用的权限范围内的部门详情" (95351).
        if (!scope.seesDepartment(dept.key)) return fail(req, 60011, TEXT.noPrivilege);
        return ok({ department: scope.departmentView(dept) });
      }),
    },
    {
      method: "GET",
      pattern: "/cgi-bin/department/simplelist",
      auth: true,
      handle: api("department/simplelist", (req, scope) => {
        // "id 部门id。获取指定部门及其下的子部门（以及子部门的子部门等等，递归）。如果不填，默认获取全量组织架构"
        // — for a self-built app, only what it may see (95350/95406).
        const raw = req.query.get("id");
        let from: Department | undefined;
        if (raw !== null && raw !== "") {
          from = departmentById(raw);
          if (!from) return fail(req, 60123, TEXT.invalidPartyId);
          if (!scope.seesDepartment(from.key)) return fail(req, 60011, TEXT.noPrivilege);
        }
        const list = scope.departments(from?.key).map((d) => {
          const parent = d.parentKey === null ? undefined : org.departmentByKey.get(d.parentKey);
          return { id: weComDeptId(d), parentid: parent ? weComDeptId(parent) : 0, order: d.order ?? 0 };
        });
        return ok({ department_id: list });
      }),
    },
    {
      method: "GET",
      pattern: "/cgi-bin/user/simplelist",
      auth: true,
      handle: api("user/simplelist", (req, scope) => {
        // Direct members only. The current page (96259, 2022-08-22) has no `fetch_child` any more:
        // "如需获取该部门及其子部门的所有成员，需先获取该部门下的子部门…逐层递归获取". It is ignored.
        const raw = req.query.get("department_id");
        if (raw === null || raw === "") return invalidParameter(req, "department_id is required", false);
        const dept = departmentById(raw);
        if (!dept) return fail(req, 60123, TEXT.invalidPartyId);
        if (!scope.seesDepartment(dept.key)) return fail(req, 60011, TEXT.noPrivilege);
        const userlist = directMembers(dept).map((p) => ({
          userid: weComUserId(p),
          name: p.name,
          department: scope.memberships(p).map((m) => weComDeptId(org.departmentByKey.get(m.deptKey)!)),
          // "open_userid … 仅第三方应用可获取": of corp-secret apps, only 代开发 ones.
          ...(scope.app.kind === "customized" && p.wecomOpenUserId ? { open_userid: p.wecomOpenUserId } : {}),
        }));
        return ok({ userlist });
      }),
    },
    {
      method: "GET",
      pattern: "/cgi-bin/user/list",
      auth: true,
      handle: api("user/list", (req, scope) => {
        // 获取部门成员详情 (self-built 90201, 代开发 96260): a department's direct members, each as
        // user/get shows it to this app — the same fields withheld from apps made after 2022-06-20.
        // "应用只能获取可见范围内的成员信息". Like user/simplelist, no `fetch_child` any more, and unpaged.
        const raw = req.query.get("department_id");
        if (raw === null || raw === "") return invalidParameter(req, "department_id is required", false);
        const dept = departmentById(raw);
        if (!dept) return fail(req, 60123, TEXT.invalidPartyId);
        if (!scope.seesDepartment(dept.key)) return fail(req, 60011, TEXT.noPrivilege);
        return ok({ userlist: directMembers(dept).map((p) => scope.userView(p)) });
      }),
    },
    {
      method: "POST",
      pattern: "/cgi-bin/user/list_id",
      auth: true,
      handle: api("user/list_id", (req, scope) => {
        // "仅支持通过“通讯录同步secret”调用" (96067); other apps get 48002 "api forbidden".
        if (scope.app.kind !== "contact-sync") return fail(req, 48002, TEXT.apiForbidden);
        const { body, warning } = readBody(req);
        const limit = body["limit"];
        if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 10_000) {
          return invalidParameter(req, "limit should be in [1, 10000]", warning);
        }
        const cursor = body["cursor"];
        const hasCursor = cursor !== undefined && cursor !== "";
        const after = hasCursor && typeof cursor === "string" ? cursors.decode(cursor) : undefined;
        if (hasCursor && !after) return fail(req, 50100, TEXT.invalidCursor);
        // One row per (user, department), in a stable order: userid (ignoring case), then department.
        const rows = wecomPeople()
          .flatMap((p) =>
            p.memberships.flatMap((m) => {
              const d = org.departmentByKey.get(m.deptKey);
              return d ? [{ userid: weComUserId(p), department: weComDeptId(d) }] : [];
            }),
          )
          .sort((a, b) => compareRow(a.userid, a.department, b.userid, b.department));
        const start = after ? rows.filter((r) => compareRow(r.userid, r.department, ...after) > 0) : rows;
        const page = start.slice(0, limit);
        const last = page.at(-1);
        const more = start.length > limit && last !== undefined;
        return ok({ next_cursor: more ? cursors.encode(last.userid, last.department) : "", dept_user: page });
      }),
    },
  ];

  const emulator = new Emulator({
    name: "wecom",
    routes,
    dialect,
    // "每企业每接口 10,000次/分钟" (90454); the framework's rolling minute stands in for the minute ban.
    knobs: { rateLimitPerMinute: 10_000 },
    seed: options.seed,
  });

  return {
    emulator,
    corpId: corp.corpId,
    /** The apps as they are now (trusted IPs and visibility may be changed with `setApp`). */
    apps: () => apps.map((a) => structuredClone(a)),
    /** Every token issued since the last reset (leak tests search for them). */
    issuedTokens: () => tokens.all(),
    /** The WeCom-only knobs now in force. */
    limits: () => ({ ...limits }),
    /** Changes WeCom-only knobs until the next reset. */
    setLimits(changes: Partial<WeComLimits>) {
      Object.assign(limits, changes);
    },
    /** Registers another app (secret) of the corp, until the next reset. */
    addApp(app: WeComApp) {
      apps.push(structuredClone(app));
    },
    /** Changes an app (trusted IPs, visibility, creation date…) until the next reset. */
    setApp(name: string, changes: Partial<Omit<WeComApp, "name">>) {
      const app = appNamed(name);
      if (!app) throw new Error(`no WeCom app ${name}`);
      Object.assign(app, structuredClone(changes));
    },
    /** Wrong attempts today (Asia/Shanghai) of a lookup API. */
    lookupMisses: (api: LookupApi) => missesToday(api).count,
  };
}

function compareRow(userA: string, deptA: number, userB: string, deptB: number): number {
  const a = userA.toLowerCase();
  const b = userB.toLowerCase();
  return a < b ? -1 : a > b ? 1 : deptA - deptB;
}

export type WeComEmulator = ReturnType<typeof createWeComEmulator>;
