import { OPERATION_NAMES, ROUTES } from "@dirgate/core";
import { buildHttpEvent, lambdaContext } from "@dirgate/dev";
import type { RecordedRequest } from "@dirgate/sandbox";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox.ts";
import { assertNoLeaks, createHarness, type Harness } from "./harness.ts";

/**
 * Fuzzing (fast-check) of every operation's route and of direct invocations: always a 2xx or a 4xx
 * problem (or the documented 501), never another 5xx; and every request the emulators received is
 * checked for encoding and allowed keys.
 */
const sbx = useSandbox();
let h: Harness;
let inputsFuzzed = 0;
let upstreamRequestsChecked = 0;

beforeAll(() => {
  h = createHarness(sbx.current, { DIRGATE_UPSTREAM_TIMEOUT_MS: "300" });
});
afterEach(() => h.collectTokens());
afterAll(() =>
  console.log(`fuzz: ${inputsFuzzed} inputs, ${upstreamRequestsChecked} upstream requests checked`),
);

describe("fuzzing every route: a 2xx or a 4xx problem+json, never a 5xx; upstream sees only validated, encoded values", () => {
  const nasty = fc.constantFrom(
    "a&access_token=x",
    "zhangsan?access_token=stolen",
    "../",
    "../../connections/demo-eiam",
    "%00",
    "%2F",
    "a/b",
    "\u0000",
    "\r\nX-Injected: 1",
    "张三",
    "👩‍💻",
    "x".repeat(129),
    "x".repeat(5000),
    " ",
    "#fragment",
    "od-5caa30529e8feabe141512b5c3c7153a",
    // Department ids each provider knows (DingTalk and WeCom take numbers), so department routes reach upstream too.
    "1",
    "5",
    "zhangsan",
    "0",
    "-1",
    "1e9",
  );
  const text = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }));
  // Mostly valid connections and plain queries, so that most nasty ids get past validation to a provider.
  const connection = fc.oneof(
    {
      arbitrary: fc.constantFrom("demo-dingtalk", "demo-dingtalk-legacy", "demo-feishu", "demo-eiam"),
      weight: 6,
    },
    { arbitrary: text, weight: 1 },
  );
  const anyQuery = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        "idType",
        "language",
        "include",
        "pageSize",
        "pageToken",
        "departmentIdType",
        "access_token",
      ),
      fc.string({ maxLength: 10 }),
    ),
    fc.oneof(
      fc.constantFrom(
        "userId",
        "loginId",
        "openId",
        "unionId",
        "zh_CN",
        "en_US",
        "raw",
        "50",
        "500",
        "AQD9/x+y=",
        "departmentId",
      ),
      text,
    ),
    { maxKeys: 4 },
  );
  const query = fc.oneof(
    { arbitrary: fc.constant({}), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        { idType: "openId" },
        { idType: "loginId" },
        { pageSize: "5" },
        { include: "raw" },
      ),
      weight: 2,
    },
    { arbitrary: anyQuery, weight: 2 },
  );
  const body = fc.oneof(
    fc.record({ mobile: fc.oneof(fc.constantFrom("13800138000", "+41 44 668 18 00", "15204130007"), text) }),
    fc.record({
      mobile: fc.constantFrom("13800138000", "+852 5123 4567", "15204130006", "13900139000"),
      idsOnly: fc.boolean(),
    }),
    fc.record({ mobile: fc.anything(), idsOnly: fc.anything() }, { requiredKeys: [] }),
    fc.anything(),
    fc.string(),
  );
  const headers = fc.record({
    "content-type": fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
    ),
  });

  const lookupRoutes = ROUTES.filter((r) => r.operation !== undefined);
  const allowed = new Set([200, 400, 403, 404, 405, 501]);

  it("holds for arbitrary paths, queries, bodies and headers on every lookup route", async () => {
    for (const e of sbx.current.emulators) e.startRecording();
    const seenCodes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: lookupRoutes.length - 1 }),
        connection,
        text,
        query,
        body,
        headers,
        async (r, conn, id, q, b, hd) => {
          inputsFuzzed += 1;
          const route = lookupRoutes[r]!;
          const params: Record<string, string> = { connection: conn };
          if (route.path.includes("{userId}")) params["userId"] = id;
          if (route.path.includes("{departmentId}")) params["departmentId"] = id;
          const qs = new URLSearchParams(q as Record<string, string>).toString();
          const rawPath = route.path.replace(/\{(\w+)\}/g, (_m, k: string) =>
            encodeURIComponent(params[k] ?? ""),
          );
          const payload =
            route.method === "POST"
              ? Buffer.from(typeof b === "string" ? b : (JSON.stringify(b) ?? ""))
              : Buffer.alloc(0);
          const event: APIGatewayProxyEventV2 = buildHttpEvent(
            {
              method: route.method,
              url: `${rawPath}${qs ? `?${qs}` : ""}`,
              headers: hd["content-type"] ? hd : {},
              body: payload,
            },
            route,
            params,
          );
          const answer = await h.call(route.operation!, event);
          if (!allowed.has(answer.status))
            throw new Error(
              `status ${answer.status} for ${JSON.stringify({ route: route.operation, params, q, b })}: ${answer.body}`,
            );
          if (answer.status !== 200) {
            expect(answer.headers["content-type"]).toBe("application/problem+json");
            expect(answer.json.code).toMatch(/^[A-Z_]+$/);
            seenCodes.add(answer.json.code);
          }
        },
      ),
      { numRuns: 800, seed: 20261123 },
    );
    const received = sbx.current.emulators.flatMap((e) =>
      e.stopRecording().map((r) => ({ emulator: e.name, ...r })),
    );
    checkUpstream(received);
    expect(seenCodes.has("INVALID_REQUEST")).toBe(true);
    // Most fuzzed lookups reached a provider: the encoding checks had material.
    expect(received.filter((r) => r.emulator !== "secretsmanager").length).toBeGreaterThan(100);
  }, 60_000);

  it("holds for arbitrary direct-invocation payloads: a value, or a typed 4xx/501 error", async () => {
    const payload = fc.oneof(
      fc.anything(),
      fc.record({ connection, mobile: text, idsOnly: fc.anything() }, { requiredKeys: ["connection"] }),
      fc.record(
        {
          connection,
          userId: text,
          idType: fc.oneof(text, fc.constantFrom("userId", "openId")),
          pageSize: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        { connection, departmentId: text, pageSize: fc.oneof(fc.integer(), fc.double(), text) },
        { requiredKeys: [] },
      ),
    );
    const handlers = OPERATION_NAMES;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...handlers), payload, async (name, input) => {
        inputsFuzzed += 1;
        try {
          h.bodies.push(JSON.stringify(await h.handlers[name](input, lambdaContext("direct"))));
        } catch (error) {
          const e = error as { name?: string; status?: number; problem?: unknown };
          h.bodies.push(JSON.stringify(e.problem ?? String(error)));
          if (!(e.status !== undefined && (e.status < 500 || e.status === 501))) {
            throw new Error(`direct ${name} ${JSON.stringify(input)} failed with ${e.name} ${e.status}`);
          }
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  }, 60_000);

  /** What each provider may receive: known paths, known query keys once each, nothing unencoded. */
  function checkUpstream(received: (RecordedRequest & { emulator: string })[]) {
    // Every endpoint of every provider's transport table (packages/providers/src/*/transport.ts),
    // with the query keys its callers set; `:id` stands for a path parameter.
    const allowedQuery: Record<string, string[]> = {
      // DingTalk: the token in the query of every call.
      "/gettoken": ["appkey", "appsecret"],
      "/topapi/v2/user/getbymobile": ["access_token"],
      "/topapi/v2/user/get": ["access_token"],
      "/topapi/v2/user/list": ["access_token"],
      "/topapi/v2/department/get": ["access_token"],
      "/topapi/v2/department/listsub": ["access_token"],
      "/user/get": ["access_token", "userid", "lang"],
      // Feishu: a bearer token.
      "/open-apis/auth/v3/tenant_access_token/internal": [],
      "/open-apis/contact/v3/users/batch_get_id": ["user_id_type"],
      "/open-apis/contact/v3/users/:id": ["user_id_type", "department_id_type"],
      "/open-apis/contact/v3/users/find_by_department": [
        "department_id",
        "department_id_type",
        "user_id_type",
        "page_size",
        "page_token",
      ],
      "/open-apis/contact/v3/departments/:id": ["department_id_type", "user_id_type"],
      "/open-apis/contact/v3/departments/:id/children": [
        "department_id_type",
        "user_id_type",
        "fetch_child",
        "page_size",
        "page_token",
      ],
      // EIAM: a bearer token.
      "/api/v2/tenant/token": [],
      "/api/v2/tenant/users/user-by-mobile": [],
      "/api/v2/tenant/users/user-by-email": [],
      "/api/v2/tenant/users/:id": [],
      "/api/v2/tenant/users": ["org_id", "offset", "limit"],
      "/api/v2/tenant/organizations/:id": [],
      "/api/v2/tenant/organizations": ["org_id", "all_child", "offset", "limit"],
      // WeCom: the token in the query of every call.
      "/cgi-bin/gettoken": ["corpid", "corpsecret"],
      "/cgi-bin/user/getuserid": ["access_token"],
      "/cgi-bin/user/get_userid_by_email": ["access_token"],
      "/cgi-bin/user/get": ["access_token", "userid"],
      "/cgi-bin/user/list": ["access_token", "department_id"],
      "/cgi-bin/department/get": ["access_token", "id"],
      "/cgi-bin/department/simplelist": ["access_token", "id"],
      // Secrets Manager (AWS JSON protocol).
      "/": [],
    };
    for (const request of received) {
      upstreamRequestsChecked += 1;
      // Printable ASCII only: every value was percent-encoded.
      expect(request.rawUrl, request.rawUrl).toMatch(/^[\x21-\x7e]+$/);
      const url = new URL(request.rawUrl, "http://x");
      const path = url.pathname
        .replace(
          /^\/open-apis\/contact\/v3\/users\/(?!find_by_department$|batch_get_id$)[^/]+$/,
          "/open-apis/contact/v3/users/:id",
        )
        .replace(
          /^\/open-apis\/contact\/v3\/departments\/[^/]+(\/children)?$/,
          "/open-apis/contact/v3/departments/:id$1",
        )
        .replace(
          /^\/api\/v2\/tenant\/users\/(?!user-by-mobile$|user-by-email$)[^/]+$/,
          "/api/v2/tenant/users/:id",
        )
        .replace(/^\/api\/v2\/tenant\/organizations\/[^/]+$/, "/api/v2/tenant/organizations/:id");
      expect(Object.keys(allowedQuery), `${request.emulator} ${request.rawUrl}`).toContain(path);
      const keys = [...url.searchParams.keys()];
      expect(new Set(keys).size, request.rawUrl).toBe(keys.length);
      for (const key of keys) expect(allowedQuery[path], `${key} in ${request.rawUrl}`).toContain(key);
      if (path.includes("/:id")) {
        const segments = url.pathname.split("/");
        const id = decodeURIComponent(segments[path.split("/").indexOf(":id")]!);
        expect(id.length).toBeLessThanOrEqual(128);
        expect(id).not.toMatch(/\p{Cc}/u);
      }
      if (request.rawBody && (request.headers["content-type"] ?? "").includes("json")) {
        const parsed = JSON.parse(request.rawBody) as Record<string, unknown>;
        expect(parsed).not.toHaveProperty("access_token");
      }
      if (request.emulator === "secretsmanager") {
        expect(JSON.parse(request.rawBody).SecretId).toMatch(
          /^dirgate\/local\/connections\/[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
        );
      }
    }
  }
});

describe("what fuzzing produced", () => {
  it("holds no secret, token or unmasked mobile in any log line or answer", () => {
    expect(assertNoLeaks(sbx.current, h).answers).toBeGreaterThan(500);
  });
});
