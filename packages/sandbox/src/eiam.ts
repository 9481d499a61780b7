import { randomUUID } from "node:crypto";
import {
  type Dialect,
  Emulator,
  type EmulatorRequest,
  parseJsonBody,
  type Reply,
  type Route,
} from "./emulator.ts";
import { type DemoOrg, type Department, type Person, phoneKey } from "./org.ts";
import { TokenStore } from "./tokens.ts";

/**
 * EIAM emulator: Bamboocloud IDaaS management API (Huawei OneAccess speaks the same).
 * OAuth2 client credentials at `/api/v2/tenant/token` (HTTP Basic or form fields), Bearer
 * tokens, `{error:"invalid_token"}` on a bad token, `{error_code:"USER.0001"}` business errors.
 */
export interface EiamClient {
  clientId: string;
  clientSecret: string;
}

export function createEiamEmulator(org: DemoOrg, clients: EiamClient[], options: { seed?: number } = {}) {
  const secrets = new Map(clients.map((c) => [c.clientId, c.clientSecret]));
  const tokens = new TokenStore("always-new", () => randomUUID());
  // The org is mutable (people and departments come and go at run time): every handler reads it
  // at request time. Linear scans are fine for the sizes the sandbox runs (≤ a few thousand).
  const inEiam = (p: Person) => p.in.eiam;

  const businessError = (status: number, code: string, msg: string): Reply => ({
    status,
    body: { error_code: code, error_msg: msg },
  });

  const dialect: Dialect = {
    authenticate(req) {
      const match = /^Bearer (\S+)$/i.exec(String(req.headers["authorization"] ?? ""));
      if (!match) {
        return {
          status: 401,
          body: {
            error: "unauthorized",
            error_description: "Full authentication is required to access this resource",
          },
        };
      }
      const check = tokens.check(match[1]);
      if (check.ok) return { app: check.app };
      return { status: 400, body: { error: "invalid_token", error_description: "Invalid access" } };
    },
    fault(kind) {
      switch (kind) {
        case "http500":
          return businessError(500, "SDK.COMMON.1008", "System busy");
        case "http502":
          return { status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
        case "http503":
          return {
            status: 503,
            body: "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
          };
        case "malformedJson":
          return { status: 200, body: '{"user_id":"20220825141325371-4D03' };
        case "busy":
          return businessError(500, "SDK.COMMON.1008", "System busy");
        case "htmlThrottle":
          return { status: 429, body: "<html><body><h1>429 Too Many Requests</h1></body></html>" };
        case "rateLimited":
        case "punishDeny":
          return dialect.rateLimited({} as EmulatorRequest, 1);
      }
    },
    // No rate limit is documented for EIAM (PROTOCOLS §3.3): the emulator answers a plain 429.
    rateLimited(_req, retryAfterSeconds) {
      return {
        status: 429,
        headers: { "retry-after": String(retryAfterSeconds) },
        body: { error_code: "COMMON.0429", error_msg: "Too many requests" },
      };
    },
    notFound() {
      return { status: 404, body: { error: "Not Found", status: 404 } };
    },
    revokeTokens: () => tokens.revokeAll(),
    reset: () => tokens.clear(),
  };

  const routes: Route[] = [
    {
      method: "POST",
      pattern: "/api/v2/tenant/token",
      auth: false,
      handle(req, { knobs }) {
        const form = new URLSearchParams(req.rawBody);
        if (!String(req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
          return {
            status: 400,
            body: { error: "invalid_request", error_description: "Content type must be form" },
          };
        }
        if (form.get("grant_type") !== "client_credentials") {
          return {
            status: 400,
            body: { error: "unsupported_grant_type", error_description: "Unsupported grant type" },
          };
        }
        // Bamboocloud documents HTTP Basic; Huawei OneAccess documents form fields. Accept both, but not both at once.
        const basic = /^Basic (\S+)$/i.exec(String(req.headers["authorization"] ?? ""));
        let clientId = form.get("client_id");
        let clientSecret = form.get("client_secret");
        if (basic) {
          if (clientSecret) {
            return {
              status: 400,
              body: { error: "invalid_request", error_description: "Multiple client authentication methods" },
            };
          }
          const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
          const colon = decoded.indexOf(":");
          clientId = decodeURIComponent(decoded.slice(0, colon));
          clientSecret = decodeURIComponent(decoded.slice(colon + 1));
        }
        if (!clientId || !clientSecret || secrets.get(clientId) !== clientSecret) {
          return {
            status: 401,
            body: { error: "invalid_client", error_description: "Bad client credentials" },
          };
        }
        const issued = tokens.issue(clientId, knobs.tokenTtlSeconds);
        return {
          status: 200,
          body: {
            access_token: issued.token,
            token_type: "bearer",
            expires_in: Math.max(1, issued.expiresIn - 1),
            scope: "all",
          },
        };
      },
    },
    {
      method: "POST",
      pattern: "/api/v2/tenant/users/user-by-mobile",
      auth: true,
      handle(req) {
        const body = parseJsonBody(req);
        const mobile = body?.["mobile"];
        if (typeof mobile !== "string" || mobile.trim() === "") {
          return businessError(400, "USER.0038", "Invalid mobile number");
        }
        const key = eiamMobileKey(mobile);
        if (!key) return businessError(400, "USER.0038", "Invalid mobile number");
        const person = org.people.find((p) => inEiam(p) && p.mobile && phoneKey(p.mobile) === key);
        if (!person) return businessError(400, "USER.0001", "User does not exist");
        return { status: 200, body: userView(person) };
      },
    },
    {
      method: "POST",
      pattern: "/api/v2/tenant/users/user-by-email",
      auth: true,
      handle(req) {
        // open.bccastle.com/en/development/eiam/api/user/user-email.html: body `{"email": …}`, the
        // same answer as user-by-mobile. The page lists no error of its own: an unknown address is
        // the user family's USER.0001 (as by mobile), and so is a missing one (no validation code is
        // documented). Matching ignores case (choice: addresses are case-insensitive in practice).
        const body = parseJsonBody(req);
        const email = typeof body?.["email"] === "string" ? body["email"].trim().toLowerCase() : "";
        const person =
          email === "" ? undefined : org.people.find((p) => inEiam(p) && p.email?.toLowerCase() === email);
        if (!person) return businessError(400, "USER.0001", "User does not exist");
        return { status: 200, body: userView(person) };
      },
    },
    {
      method: "GET",
      pattern: "/api/v2/tenant/organizations/:org_id",
      auth: true,
      handle(req) {
        // open.bccastle.com/en/development/eiam/api/org/org-id.html (same path and fields as Huawei
        // OneAccess ShowOrganizationById); unknown id → 400 ORG.0001 "Organization does not exist".
        const dept = orgById(req.params["org_id"] ?? "");
        if (!dept) return orgNotFound();
        return { status: 200, body: orgView(dept) };
      },
    },
    {
      method: "GET",
      pattern: "/api/v2/tenant/organizations",
      auth: true,
      handle(req) {
        // open.bccastle.com/development/eiam/api/org/obtain-org.html and Huawei OneAccess
        // ListOrganizations (support.huaweicloud.com/api-oneaccess/ListOrganizations.html), whose
        // table we follow as the more precise of the two: no org_id + all_child=false → the root
        // organisations; no org_id + all_child=true → every organisation but the roots; org_id +
        // all_child=false → that organisation and its next level; org_id + all_child=true → that
        // organisation and its whole subtree (breadth-first here). `offset` is a page number from 0
        // and `limit` 10–100. `updated_at_greater` is not emulated.
        const page = pageOf(req);
        if ("status" in page) return page;
        const allChild = req.query.get("all_child") === "true";
        const orgId = req.query.get("org_id") ?? "";
        let found: Department[];
        if (orgId === "") {
          const roots = org.departments.filter((d) => d.parentKey === null);
          found = allChild ? roots.flatMap((r) => below(r.key, true)) : roots;
        } else {
          const dept = orgById(orgId);
          if (!dept) return orgNotFound();
          found = [dept, ...below(dept.key, allChild)];
        }
        const organizations = found.slice(page.from, page.from + page.limit).map(orgView);
        return { status: 200, body: { total: found.length, organizations } };
      },
    },
    {
      method: "GET",
      pattern: "/api/v2/tenant/users",
      auth: true,
      handle(req) {
        // open.bccastle.com/development/eiam/api/user/obtain-user.html and Huawei OneAccess ListUsers:
        // `org_id` (empty = every user), `offset` page number from 0, `limit` 10–100 →
        // `{total, users}` with the same user fields as user-by-mobile. An organisation's users are
        // those related to it directly (either relation type); unknown org_id → ORG.0001 (choice:
        // the pages list no error for it). `updated_at_greater` is not emulated.
        const page = pageOf(req);
        if ("status" in page) return page;
        const orgId = req.query.get("org_id") ?? "";
        let users = org.people.filter(inEiam);
        if (orgId !== "") {
          const dept = orgById(orgId);
          if (!dept) return orgNotFound();
          users = users.filter((p) => p.memberships.some((m) => m.deptKey === dept.key));
        }
        return {
          status: 200,
          body: { total: users.length, users: users.slice(page.from, page.from + page.limit).map(userView) },
        };
      },
    },
    {
      method: "GET",
      pattern: "/api/v2/tenant/users/:user_id",
      auth: true,
      handle(req) {
        const person = org.people.find((p) => inEiam(p) && p.eiamUserId === req.params["user_id"]);
        if (!person) return businessError(400, "USER.0001", "User does not exist");
        return { status: 200, body: userView(person) };
      },
    },
  ];

  function orgById(orgId: string): Department | undefined {
    return org.departments.find((d) => d.eiamOrgId === orgId);
  }

  function orgNotFound(): Reply {
    return businessError(400, "ORG.0001", "Organization does not exist");
  }

  /**
   * `offset` (page number, from 0) and `limit` (10–100), both required. Errors as the Bamboocloud
   * pages show them: OAP.PAGE.0002 "Pagination parameter exceeds limit" (check-public-account-user.html)
   * and OAP.PAGE.0003 for a bad page number (obtain-app-authorizedorg.html).
   */
  function pageOf(req: EmulatorRequest): { from: number; limit: number } | Reply {
    const limit = Number(req.query.get("limit") ?? Number.NaN);
    const offset = Number(req.query.get("offset") ?? Number.NaN);
    if (!Number.isInteger(limit) || limit < 10 || limit > 100) {
      return businessError(400, "OAP.PAGE.0002", "Pagination parameter exceeds limit");
    }
    if (!Number.isInteger(offset) || offset < 0) {
      return businessError(
        400,
        "OAP.PAGE.0003",
        "The pagination page number does not meet the verification rules",
      );
    }
    return { from: offset * limit, limit };
  }

  /**
   * Departments under `key` (not itself): its next level, or its whole subtree breadth-first;
   * siblings by `order` (ties: org order).
   */
  function below(key: string, recursive: boolean): Department[] {
    const children = new Map<string, Department[]>();
    for (const d of org.departments) {
      if (d.parentKey === null) continue;
      const siblings = children.get(d.parentKey) ?? [];
      siblings.push(d);
      children.set(d.parentKey, siblings);
    }
    for (const siblings of children.values()) siblings.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    const out: Department[] = [];
    const seen = new Set<string>([key]);
    const queue = [key];
    while (queue.length > 0) {
      for (const d of children.get(queue.shift()!) ?? []) {
        if (seen.has(d.key)) continue;
        seen.add(d.key);
        out.push(d);
        if (recursive) queue.push(d.key);
      }
    }
    return out;
  }

  /**
   * An organisation as Bamboocloud returns it (org-id.html / obtain-org.html examples): `parent_id`
   * null at the root, `category` "department", `org_code` (the demo org's department key),
   * `sequence` (the department's sibling order), dates from the id's timestamp prefix.
   */
  function orgView(d: Department): Record<string, unknown> {
    const parent = d.parentKey === null ? undefined : org.departmentByKey.get(d.parentKey);
    const stamp = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})-/.exec(d.eiamOrgId);
    const createdAt = stamp
      ? `${stamp[1]}-${stamp[2]}-${stamp[3]} ${stamp[4]}:${stamp[5]}:${stamp[6]}.${stamp[7]}`
      : "2024-01-01 00:00:00.000";
    return {
      org_id: d.eiamOrgId,
      parent_id: parent?.eiamOrgId ?? null,
      name: d.name,
      category: "department",
      org_code: d.key,
      sequence: d.order ?? 0,
      disabled: false,
      created_at: createdAt,
      updated_at: createdAt,
      extension: {},
    };
  }

  function userView(p: Person): Record<string, unknown> {
    const manager = p.managerKey ? org.personByKey.get(p.managerKey) : undefined;
    const primary = p.memberships.find((m) => m.primary) ?? p.memberships[0];
    const orgId = (key: string | undefined) => (key ? org.departmentByKey.get(key)?.eiamOrgId : undefined);
    return {
      user_id: p.eiamUserId,
      org_id: orgId(primary?.deptKey),
      user_name: p.userId,
      name: p.name,
      ...(p.mobile ? { mobile: `+${p.mobile.countryCode}-${p.mobile.national}` } : {}),
      ...(p.email ? { email: p.email } : {}),
      ...(p.jobNumber ? { employee_id: p.jobNumber } : {}),
      ...(p.city ? { attr_city: p.city } : {}),
      ...(p.nickname ? { attr_nick_name: p.nickname } : {}),
      ...(p.country ? { attr_area: p.country } : {}),
      attr_gender: p.gender === 1 ? "male" : p.gender === 2 ? "female" : "unknown",
      ...(p.workPlace ? { attr_work_place: p.workPlace } : {}),
      ...(p.identityNumber ? { attr_identity_type: "id_card", attr_identity_number: p.identityNumber } : {}),
      ...(manager?.in.eiam ? { attr_manager_id: manager.eiamUserId } : {}),
      ...(p.birthday ? { attr_birthday: p.birthday } : {}),
      ...(p.hiredAt !== undefined ? { attr_hire_date: shanghaiTime(p.hiredAt) } : {}),
      pwd_must_modify: false,
      disabled: p.status === "disabled" || p.status === "resigned",
      locked: p.status === "frozen",
      grade: 1,
      created_at:
        p.createdAt ?? (p.hiredAt !== undefined ? shanghaiTime(p.hiredAt) : "2021-01-01 00:00:00.000"),
      updated_at: p.createdAt ?? "2024-01-01 00:00:00.000",
      ...(p.lastLoginIp ? { last_login_ip: p.lastLoginIp } : {}),
      ...(p.lastLoginAt ? { last_login_at: p.lastLoginAt } : {}),
      user_org_relation_list: p.memberships.map((m) => ({
        org_id: orgId(m.deptKey),
        relation_type: m.primary ? 1 : 0,
      })),
      extension: {},
      ...p.extras?.eiam,
    };
  }

  const emulator = new Emulator({
    name: "eiam",
    routes,
    dialect,
    knobs: { tokenTtlSeconds: 1800 },
    seed: options.seed,
  });
  return {
    emulator,
    clients,
    /** Every token issued since the last reset. */
    issuedTokens: () => tokens.all(),
    addClient(client: EiamClient) {
      secrets.set(client.clientId, client.clientSecret);
    },
  };
}

/** `yyyy-MM-dd HH:mm:ss.SSS` in Asia/Shanghai (UTC+8, no DST), as EIAM writes dates. */
function shanghaiTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().replace("T", " ").replace("Z", "");
}

/**
 * EIAM accepts `15204130007`, `+86-15204130007`, `+8615204130007` and `+852-51234567`.
 * Returns the digits with the country code, or undefined when it is not a mobile number.
 */
export function eiamMobileKey(mobile: string): string | undefined {
  const compact = mobile.replace(/[\s]/g, "");
  if (/^1\d{10}$/.test(compact)) return `86${compact}`;
  const dashed = /^\+(\d{1,4})-(\d{4,14})$/.exec(compact);
  if (dashed) return `${dashed[1]}${dashed[2]}`;
  return /^\+\d{6,15}$/.test(compact) ? compact.slice(1) : undefined;
}

export type EiamEmulator = ReturnType<typeof createEiamEmulator>;
