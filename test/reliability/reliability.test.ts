import { spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_CREDENTIALS, type RecordedRequest } from "@dirgate/sandbox";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildHttpEvent, lambdaContext } from "../../packages/lambda/src/local-server.ts";
import { ROUTES } from "../../packages/lambda/src/routes.ts";
import { apiEvent, type Functions, invoke, loadFunctions } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * Reliability and security, through the full handlers: a fault matrix, fuzzing of every route,
 * access control, a load run, and — over every log line and answer this file produced — redaction.
 */
const sbx = useSandbox();
let fn: Functions;

// Everything the suite produces, for the redaction checks at the end.
const logLines: string[] = [];

const bodies: string[] = [];
const tokens = new Set<string>();
const figures = { faultsTried: 0, inputsFuzzed: 0, requestsHeld: 0, lost: 0, upstreamRequestsChecked: 0 };
const originalWrite = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
};

beforeAll(async () => {
  const capture =
    (write: typeof originalWrite.out) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      if (text.startsWith("{")) {
        // A log line: kept for the redaction checks, not echoed (thousands of them).
        logLines.push(...text.split("\n").filter(Boolean));
        return true;
      }
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    };
  process.stdout.write = capture(originalWrite.out) as typeof process.stdout.write;
  process.stderr.write = capture(originalWrite.err) as typeof process.stderr.write;
  fn = await loadFunctions(sbx.current, { LOG_LEVEL: "DEBUG", DIRGATE_UPSTREAM_TIMEOUT_MS: "300" });
});

afterEach(() => {
  // The sandbox forgets its tokens on reset: keep them for the leak checks.
  for (const t of [
    ...sbx.current.dingtalk.issuedTokens(),
    ...sbx.current.feishu.issuedTokens(),
    ...sbx.current.eiam.issuedTokens(),
  ]) {
    tokens.add(t);
  }
});

afterAll(() => {
  process.stdout.write = originalWrite.out as typeof process.stdout.write;
  process.stderr.write = originalWrite.err as typeof process.stderr.write;
  console.log(
    `reliability: faults tried ${figures.faultsTried}, inputs fuzzed ${figures.inputsFuzzed}, upstream requests checked ${figures.upstreamRequestsChecked}, requests held ${figures.requestsHeld}, lost ${figures.lost}, log lines checked ${logLines.length}, answers checked ${bodies.length}`,
  );
});

async function call(handler: keyof Functions, event: unknown) {
  const answer = await invoke(fn[handler], event);
  bodies.push(answer.body);
  return answer;
}

const get = (url: string, options: Parameters<typeof apiEvent>[2] = {}) => {
  const handler = url.includes("/departments/") ? "departmentUsers" : "userById";
  return call(handler, apiEvent("GET", url, options));
};

describe("fault matrix: each fault → its documented status and code, bounded retries, then healing", () => {
  const DT = "/v1/connections/demo-dingtalk/users/zhangsan";
  const FS = "/v1/connections/demo-feishu/users/3e3cf96b";
  const dtCalls = () => sbx.current.dingtalk.emulator.counter("POST /topapi/v2/user/get");
  const fsCalls = () => sbx.current.feishu.emulator.counter("GET /open-apis/contact/v3/users/:user_id");

  async function scenario(
    name: string,
    inject: () => void,
    request: () => ReturnType<typeof get>,
    expected: { status: number; code: string; maxAttempts: number; attempts: () => number },
    clear: () => void = () => {
      for (const e of sbx.current.emulators) e.clearFaults();
    },
  ) {
    figures.faultsTried += 1;
    expect((await request()).status, `${name}: warm-up`).toBe(200);
    const before = expected.attempts();
    inject();
    const answer = await request();
    expect(answer.status, name).toBe(expected.status);
    expect(answer.json.code, name).toBe(expected.code);
    expect(answer.headers["content-type"], name).toBe("application/problem+json");
    expect(expected.attempts() - before, `${name}: upstream attempts`).toBeLessThanOrEqual(
      expected.maxAttempts,
    );
    clear();
    expect((await request()).status, `${name}: after the fault clears`).toBe(200);
    return answer;
  }

  it("latency beyond the timeout → 504 UPSTREAM_TIMEOUT", async () => {
    await scenario(
      "latency",
      () => sbx.current.dingtalk.emulator.setKnobs({ latencyMs: 700 }),
      () => get(DT),
      {
        status: 504,
        code: "UPSTREAM_TIMEOUT",
        maxAttempts: 3,
        attempts: dtCalls,
      },
      () => sbx.current.dingtalk.emulator.setKnobs({ latencyMs: 0 }),
    );
  });

  it.each([
    ["http503", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["http502", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["reset", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["malformedJson", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["busy", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["htmlThrottle", 429, "UPSTREAM_RATE_LIMITED", 1],
    ["punishDeny", 429, "UPSTREAM_RATE_LIMITED", 1],
    ["rateLimited", 429, "UPSTREAM_RATE_LIMITED", 3],
  ] as const)("DingTalk %s → %i %s", async (kind, status, code, maxAttempts) => {
    const answer = await scenario(
      kind,
      () => sbx.current.dingtalk.emulator.addFault({ kind, count: 10, path: "/topapi/" }),
      () => get(DT),
      {
        status,
        code,
        maxAttempts,
        attempts: dtCalls,
      },
    );
    if (status === 429) expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["http500", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["busy", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["reset", 503, "UPSTREAM_UNAVAILABLE", 3],
    ["rateLimited", 429, "UPSTREAM_RATE_LIMITED", 3],
  ] as const)("Feishu %s → %i %s", async (kind, status, code, maxAttempts) => {
    await scenario(
      kind,
      () => sbx.current.feishu.emulator.addFault({ kind, count: 10, path: "/open-apis/contact/" }),
      () => get(FS),
      {
        status,
        code,
        maxAttempts,
        attempts: fsCalls,
      },
    );
  });

  it("a rate limit with a reset header is waited out and the call succeeds", async () => {
    figures.faultsTried += 1;
    sbx.current.feishu.emulator.setKnobs({ rateLimitPerSecond: 1 });
    expect((await get(FS)).status).toBe(200);
    const started = Date.now();
    const second = await get(FS);
    expect(second.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(sbx.current.feishu.emulator.counter("rateLimited")).toBe(1);
  });

  it("a token revoked mid-run is fetched again once; the call succeeds", async () => {
    figures.faultsTried += 1;
    expect((await get(DT)).status).toBe(200);
    const tokenCalls = sbx.current.dingtalk.emulator.counter("GET /gettoken");
    sbx.current.dingtalk.emulator.addFault({ kind: "revokeToken", path: "/topapi/" });
    expect((await get(DT)).status).toBe(200);
    expect(sbx.current.dingtalk.emulator.counter("GET /gettoken")).toBe(tokenCalls + 1);
  });

  it("bad app credentials → 502 UPSTREAM_AUTH_FAILED, after one secret re-read; a fixed secret heals", async () => {
    figures.faultsTried += 1;
    const name = "dirgate/local/connections/rel-bad-creds";
    sbx.current.secretsManager.putSecret(name, {
      ...sbx.current.connections["demo-dingtalk"],
      appSecret: "no-longer-valid",
    });
    const answer = await get("/v1/connections/rel-bad-creds/users/zhangsan");
    expect(answer.json).toMatchObject({
      status: 502,
      code: "UPSTREAM_AUTH_FAILED",
      upstream: { code: "40096" },
    });
    // Re-read once; the secret had not changed, so the call is not tried again.
    expect(sbx.current.secretsManager.emulator.counter(`GetSecretValue ${name}`)).toBe(2);
    expect(sbx.current.dingtalk.emulator.counter("GET /gettoken")).toBe(1);
    sbx.current.secretsManager.putSecret(name, sbx.current.connections["demo-dingtalk"]!);
    expect((await get("/v1/connections/rel-bad-creds/users/zhangsan")).status).toBe(200);
  });

  it("Secrets Manager unreachable → 503; healed on the next request", async () => {
    figures.faultsTried += 1;
    sbx.current.secretsManager.putSecret(
      "dirgate/local/connections/rel-sm-down",
      sbx.current.connections["demo-feishu"]!,
    );
    sbx.current.secretsManager.emulator.addFault({ kind: "reset", count: 2 });
    const answer = await get("/v1/connections/rel-sm-down/users/3e3cf96b");
    expect(answer.json).toMatchObject({ status: 503, code: "UPSTREAM_UNAVAILABLE" });
    expect(answer.json.detail).toBe("the secret store is unavailable");
    expect((await get("/v1/connections/rel-sm-down/users/3e3cf96b")).status).toBe(200);
  });

  it("a missing secret → 404 CONNECTION_NOT_FOUND; a secret failing its schema → 500 CONFIG_INVALID", async () => {
    figures.faultsTried += 2;
    expect((await get("/v1/connections/rel-missing/users/zhangsan")).json).toMatchObject({
      status: 404,
      code: "CONNECTION_NOT_FOUND",
    });
    sbx.current.secretsManager.putSecret("dirgate/local/connections/rel-invalid", {
      provider: "dingtalk",
      appKey: 42,
      appSecret: "s3cr3t-xyz",
    });
    const invalid = await get("/v1/connections/rel-invalid/users/zhangsan");
    expect(invalid.json).toMatchObject({ status: 500, code: "CONFIG_INVALID" });
    expect(invalid.body).not.toContain("s3cr3t-xyz");
    sbx.current.secretsManager.putSecret("dirgate/local/connections/rel-not-json", "definitely { not json");
    expect((await get("/v1/connections/rel-not-json/users/zhangsan")).json).toMatchObject({
      status: 500,
      code: "CONFIG_INVALID",
    });
  });
});

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

  const lookupRoutes = ROUTES.filter((r) => r.toInput);
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
        async (r, conn, id, q, b, h) => {
          figures.inputsFuzzed += 1;
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
              headers: h["content-type"] ? h : {},
              body: payload,
            },
            route,
            params,
          );
          const handler =
            route.function === "users-by-mobile"
              ? "usersByMobile"
              : route.function === "user-by-id"
                ? "userById"
                : "departmentUsers";
          const answer = await call(handler, event);
          if (!allowed.has(answer.status))
            throw new Error(
              `status ${answer.status} for ${JSON.stringify({ route: route.name, params, q, b })}: ${answer.body}`,
            );
          if (answer.status !== 200) {
            expect(answer.headers["content-type"]).toBe("application/problem+json");
            expect(answer.json.code).toMatch(/^[A-Z_]+$/);
            seenCodes.add(answer.json.code);
          }
        },
      ),
      { numRuns: 500, seed: 20261123 },
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
    const handlers = ["usersByMobile", "userById", "departmentUsers"] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...handlers), payload, async (name, input) => {
        figures.inputsFuzzed += 1;
        try {
          bodies.push(JSON.stringify(await fn[name](input, lambdaContext("direct"))));
        } catch (error) {
          const e = error as { name?: string; status?: number; problem?: unknown };
          bodies.push(JSON.stringify(e.problem ?? String(error)));
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
    const allowedQuery: Record<string, string[]> = {
      "/gettoken": ["appkey", "appsecret"],
      "/topapi/v2/user/getbymobile": ["access_token"],
      "/topapi/v2/user/get": ["access_token"],
      "/topapi/v2/user/list": ["access_token"],
      "/user/get": ["access_token", "userid", "lang"],
      "/open-apis/contact/v3/users/find_by_department": [
        "department_id",
        "department_id_type",
        "user_id_type",
        "page_size",
        "page_token",
      ],
      "/open-apis/contact/v3/users/batch_get_id": ["user_id_type"],
      "/open-apis/contact/v3/users/:id": ["user_id_type", "department_id_type"],
      "/open-apis/auth/v3/tenant_access_token/internal": [],
      "/api/v2/tenant/token": [],
      "/api/v2/tenant/users/user-by-mobile": [],
      "/api/v2/tenant/users/:id": [],
      "/": [],
    };
    for (const request of received) {
      figures.upstreamRequestsChecked += 1;
      // Printable ASCII only: every value was percent-encoded.
      expect(request.rawUrl, request.rawUrl).toMatch(/^[\x21-\x7e]+$/);
      const url = new URL(request.rawUrl, "http://x");
      const path = url.pathname
        .replace(
          /^\/open-apis\/contact\/v3\/users\/(?!find_by_department$|batch_get_id$)[^/]+$/,
          "/open-apis/contact/v3/users/:id",
        )
        .replace(/^\/api\/v2\/tenant\/users\/(?!user-by-mobile$)[^/]+$/, "/api/v2/tenant/users/:id");
      expect(Object.keys(allowedQuery), `${request.emulator} ${request.rawUrl}`).toContain(path);
      const keys = [...url.searchParams.keys()];
      expect(new Set(keys).size, request.rawUrl).toBe(keys.length);
      for (const key of keys) expect(allowedQuery[path], `${key} in ${request.rawUrl}`).toContain(key);
      if (path.endsWith("/:id")) {
        const id = decodeURIComponent(url.pathname.split("/").pop()!);
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

describe("access control", () => {
  const url = "/v1/connections/rel-guarded/users/zhangsan";

  it("enforces allow lists of IAM principals, JWT subjects and JWT scopes", async () => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/rel-guarded", {
      ...sbx.current.connections["demo-dingtalk"],
      allow: ["arn:aws:iam::111122223333:role/hr-sync", "auth0|crm-service", "scope:directory.read"],
    });
    const as = (authorizer: unknown) => get(url, { authorizer: authorizer as never });
    expect((await as({ iam: { userArn: "arn:aws:iam::111122223333:role/hr-sync" } })).status).toBe(200);
    expect((await as({ jwt: { claims: { sub: "auth0|crm-service" }, scopes: null } })).status).toBe(200);
    expect(
      (await as({ jwt: { claims: { sub: "someone", scope: "profile directory.read" }, scopes: null } }))
        .status,
    ).toBe(200);
    expect((await as({ jwt: { claims: { sub: "someone" }, scopes: ["directory.read"] } })).status).toBe(200);
    for (const denied of [
      { iam: { userArn: "arn:aws:iam::111122223333:role/hr-sync-2" } },
      { jwt: { claims: { sub: "auth0|crm-service-evil" }, scopes: ["directory.write"] } },
      undefined,
    ]) {
      expect((await as(denied)).json, JSON.stringify(denied)).toMatchObject({
        status: 403,
        code: "FORBIDDEN",
      });
    }
    // A connection without an allow list serves any authenticated caller.
    expect((await get("/v1/connections/demo-dingtalk/users/zhangsan")).status).toBe(200);
  });

  it.each([
    "../demo-dingtalk",
    "demo-dingtalk/../../x",
    "a/b",
    "demo dingtalk",
    "demo-dingtalk%00",
    "-leading",
    "x".repeat(65),
    "*",
  ])("rejects connection id %j before any secret is read", async (connection) => {
    const event = apiEvent("GET", "/v1/connections/placeholder/users/zhangsan");
    event.pathParameters = { connection, userId: "zhangsan" };
    const answer = await call("userById", event);
    expect(answer.json).toMatchObject({ status: 400, code: "INVALID_REQUEST" });
    expect(sbx.current.secretsManager.emulator.counter("GetSecretValue")).toBe(0);
  });
});

describe("load: 10 000 requests at concurrency 64 with 1 % injected faults", () => {
  it("answers every request with a documented code and holds its memory (a process of its own)", async () => {
    // stdout and stderr (Powertools writes warnings there) to a file: synchronous writes, as a
    // drained Lambda log stream. (A pipe the parent reads late would queue the child's log lines in
    // its memory and spoil the RSS figure.)
    const outFile = join(mkdtempSync(join(tmpdir(), "dirgate-load-")), "stdout.log");
    const out = openSync(outFile, "w");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./load-child.ts", import.meta.url).pathname, "10000"],
      {
        stdio: ["ignore", out, out],
      },
    );
    const [exitCode] = (await once(child, "exit")) as [number];
    closeSync(out);
    expect(exitCode).toBe(0);
    const lines = readFileSync(outFile, "utf8").split("\n");
    const report = JSON.parse(lines.find((l) => l.startsWith("REPORT "))!.slice(7)) as {
      statuses: Record<string, number>;
      codes: string[];
      before: { rss: number; heap: number; native: number; peakRss: number };
      after: { rss: number; heap: number; native: number };
      tokens: string[];
    };
    const answered = Object.values(report.statuses).reduce((a, b) => a + b, 0);
    figures.requestsHeld += answered;
    figures.lost += 10_000 - answered;
    expect(answered).toBe(10_000);
    expect(Object.keys(report.statuses).sort()).toEqual(expect.arrayContaining(["200"]));
    for (const status of Object.keys(report.statuses)) expect(["200", "503"]).toContain(status);
    for (const code of report.codes) expect(code).toBe("UPSTREAM_UNAVAILABLE");
    expect(report.statuses["200"]).toBeGreaterThan(9_900);
    // What a leak grows — retained JS heap and native buffers after a full GC — stays within 20 %.
    // RSS is only a sanity bound here: on a shared 2-core CI box it varied 0.95–1.68× run to run with
    // a flat heap (V8 and malloc keep freed pages). `npm run bench` reports RSS growth of a quiet run.
    expect(report.after.heap / report.before.heap).toBeLessThan(1.2);
    expect(report.after.native / report.before.native).toBeLessThan(1.2);
    expect(report.after.rss / report.before.rss).toBeLessThan(2);
    // Its log lines join the redaction checks, its tokens the needles.
    const logs = lines.filter((l) => l.startsWith("{"));
    expect(logs.length).toBeGreaterThan(10_000);
    logLines.push(...logs);
    for (const t of report.tokens) tokens.add(t);
    console.log(
      `load: ${answered} answered (${JSON.stringify(report.statuses)}); RSS settled after warm-up ${(report.before.rss / 1e6).toFixed(0)} MB, after the run ${(report.after.rss / 1e6).toFixed(0)} MB; heap ${(report.before.heap / 1e6).toFixed(1)} → ${(report.after.heap / 1e6).toFixed(1)} MB; native ${(report.before.native / 1e6).toFixed(1)} → ${(report.after.native / 1e6).toFixed(1)} MB`,
    );
  }, 180_000);
});

function secretValues(): string[] {
  return [
    DEMO_CREDENTIALS.dingtalk.appSecret,
    DEMO_CREDENTIALS.dingtalkLegacy.appSecret,
    DEMO_CREDENTIALS.feishu.appSecret,
    DEMO_CREDENTIALS.eiam.clientSecret,
    "no-longer-valid",
    "s3cr3t-xyz",
  ];
}
function sensitiveValues(): string[] {
  return sbx.current.org.people.flatMap((p) =>
    [p.identityNumber, p.lastLoginIp].filter((v): v is string => Boolean(v)),
  );
}
function mobileValues(): string[] {
  return sbx.current.org.people.flatMap((p) => (p.mobile ? [p.mobile.national] : []));
}

describe("redaction over everything this suite produced", () => {
  it("no log line or answer holds a secret, a token or a sensitive field, and no log line an unmasked mobile", () => {
    const secrets = secretValues();
    const sensitive = sensitiveValues();
    const mobiles = mobileValues();
    expect(logLines.length).toBeGreaterThan(100);
    expect(bodies.length).toBeGreaterThan(400);
    expect(tokens.size).toBeGreaterThan(0);
    const everything = [...logLines, ...bodies];
    const leaks: string[] = [];
    for (const text of everything) {
      for (const needle of [...secrets, ...tokens, ...sensitive])
        if (text.includes(needle)) leaks.push(`${needle} in ${text.slice(0, 160)}`);
      if (/access_token=(?!\[REDACTED\])[^&\s"]/.test(text))
        leaks.push(`access_token= in ${text.slice(0, 160)}`);
      if (/attr_identity_number|attr_birthday|last_login_ip/.test(text))
        leaks.push(`sensitive field in ${text.slice(0, 160)}`);
    }
    for (const line of logLines)
      for (const mobile of mobiles)
        if (line.includes(mobile)) leaks.push(`mobile ${mobile} in log ${line.slice(0, 160)}`);
    expect(leaks).toEqual([]);
    // The by-mobile requests were logged, masked.
    expect(logLines.some((l) => /"mobile":"\d{3}\*{4}\d{4}"/.test(l))).toBe(true);
  });
});
