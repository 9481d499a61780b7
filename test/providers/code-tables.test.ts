import type { UpstreamResponse } from "@dirgate/core";
import {
  DINGTALK_TRANSPORT,
  EIAM_TRANSPORT,
  type Endpoint,
  FEISHU_TRANSPORT,
  interpret,
  type TransportSpec,
} from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import {
  splitErrmsg,
  UNTRUSTED_IP_DETAIL,
  WECOM_TRANSPORT,
} from "../../packages/providers/src/wecom/transport.ts";

/**
 * Every provider's code table, row by row, as docs/providers.md ("Upstream errors → dirgate codes")
 * states it: the dirgate code, whether it is retried, whether the token is dropped, how long to
 * wait, what is reported as upstream's code, and a message that names the failing call.
 */

interface Expected {
  code: string;
  retryable?: boolean;
  tokenRejected?: boolean;
  retryAfterMs?: number;
  /** What `upstream.code` says; `null`: no upstream info (an answer without a code of its own). */
  upstream?: string | null;
  /** The exact message; by default it must name the call (`<provider>.<endpoint>: …`). */
  message?: string;
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): UpstreamResponse {
  return {
    status,
    headers: new Headers(headers),
    text: typeof body === "string" ? body : JSON.stringify(body),
  };
}

function failure<C, E extends string>(
  spec: TransportSpec<C, E>,
  endpoint: Endpoint,
  call: string,
  response: UpstreamResponse,
) {
  try {
    interpret(spec, endpoint, call, response);
  } catch (error) {
    return error as {
      code: string;
      message: string;
      retryable: boolean;
      tokenRejected: boolean;
      retryAfterMs?: number;
      upstream?: { code?: string; message?: string; requestId?: string };
    };
  }
  throw new Error("expected the answer to be read as a failure");
}

function check(error: ReturnType<typeof failure>, expected: Expected, call: string) {
  expect(error.code).toBe(expected.code);
  expect(error.retryable).toBe(expected.retryable ?? false);
  expect(error.tokenRejected).toBe(expected.tokenRejected ?? false);
  expect(error.retryAfterMs).toBe(expected.retryAfterMs);
  if (expected.upstream === null) expect(error.upstream).toBeUndefined();
  else if (expected.upstream !== undefined) expect(error.upstream?.code).toBe(expected.upstream);
  if (expected.message !== undefined) expect(error.message).toBe(expected.message);
  else expect(error.message.startsWith(`${call}: `), error.message).toBe(true);
}

const token = { code: "UPSTREAM_AUTH_FAILED", tokenRejected: true };
const credentials = { code: "UPSTREAM_AUTH_FAILED" };
const permission = { code: "PROVIDER_PERMISSION_DENIED" };
const noUser = { code: "USER_NOT_FOUND", message: "no such user" };
const noDepartment = { code: "DEPARTMENT_NOT_FOUND", message: "no such department" };
const invalid = { code: "INVALID_REQUEST" };
const unavailable = { code: "UPSTREAM_UNAVAILABLE", retryable: true };
const unknown = { code: "UPSTREAM_ERROR" };

describe("DingTalk (HTTP 200, errcode decides)", () => {
  const call = "dingtalk.user.get";
  const read = (response: UpstreamResponse, endpoint = DINGTALK_TRANSPORT.endpoints["user.get"]) =>
    failure(DINGTALK_TRANSPORT, endpoint, call, response);

  it.each<[number, Expected]>([
    [40014, token],
    [42001, token],
    [40001, token],
    [41001, token],
    [40000, token],
    [40096, credentials],
    [40089, credentials],
    [40035, credentials],
    [40091, credentials],
    [60011, permission],
    [60020, permission],
    [50002, permission],
    [50004, permission],
    [60121, noUser],
    [33012, noUser],
    [40104, noUser],
    [60003, noDepartment],
    [-1, unavailable],
    [90020, { code: "UPSTREAM_RATE_LIMITED" }],
    [400002, invalid],
    [90002, { code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 1_000 }],
    [90005, { code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 1_000 }],
    [90018, { code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 1_000 }],
    [9001, unknown],
    [900123, unknown],
    [190002, unknown],
    [123456, { code: "UPSTREAM_ERROR", message: "dingtalk.user.get: DingTalk answered errcode 123456" }],
  ])("errcode %i", (errcode, expected) => {
    const error = read(answer(200, { errcode, errmsg: "说明", request_id: "rq-1" }));
    check(error, { upstream: String(errcode), ...expected }, call);
    expect(error.upstream).toEqual({ code: String(errcode), message: "说明", requestId: "rq-1" });
  });

  it("reads a topapi gateway failure (errcode 88) by its sub_code, reported as 88/<sub_code>", () => {
    const error = read(
      answer(200, { errcode: 88, errmsg: "gateway", sub_code: "40014", sub_msg: "不合法的access_token" }),
    );
    check(error, { ...token, upstream: "88/40014" }, call);
    expect(error.upstream?.message).toBe("不合法的access_token");
    expect(error.message).toBe("dingtalk.user.get: DingTalk rejected the access token");
    // A numeric sub_code; a sub_code without sub_msg keeps errmsg.
    const numeric = read(answer(200, { errcode: 88, errmsg: "gateway", sub_code: 60121 }));
    check(numeric, { ...noUser, upstream: "88/60121" }, call);
    expect(numeric.upstream?.message).toBe("gateway");
    // Unknown: the message names both codes.
    expect(read(answer(200, { errcode: 88, sub_code: "77777" })).message).toBe(
      "dingtalk.user.get: DingTalk answered errcode 88/77777",
    );
    // 88 without a sub_code is a code of its own.
    check(read(answer(200, { errcode: 88, errmsg: "x" })), { ...unknown, upstream: "88" }, call);
    // Only 88 wraps: another errcode's sub_code is ignored.
    check(read(answer(200, { errcode: 60121, sub_code: "40014" })), { ...noUser, upstream: "60121" }, call);
  });

  it("reports only what upstream said (no empty fields)", () => {
    expect(read(answer(200, { errcode: 60121 })).upstream).toEqual({ code: "60121" });
  });

  it("reads the IP ban (an HTML page, or {punish: deny}) as a 5-minute rate limit, retried later", () => {
    const ban = { code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 300_000 };
    check(read(answer(200, "  <html><body>访问被拒绝</body></html>")), { ...ban, upstream: "ip-ban" }, call);
    expect(read(answer(200, "<html></html>")).upstream).toEqual({
      code: "ip-ban",
      message: "HTML throttle page",
    });
    check(read(answer(200, { punish: "deny" })), { ...ban, upstream: "punish:deny" }, call);
    // The wait it names, in minutes.
    check(read(answer(200, { punish: "deny", wait: 2 })), { ...ban, retryAfterMs: 120_000 }, call);
    check(read(answer(200, { punish: "deny", wait: "3" })), { ...ban, retryAfterMs: 180_000 }, call);
    // Another punish value is an ordinary answer.
    expect(() => read(answer(200, { punish: "allow", errcode: 0 }))).toThrow(/expected the answer/);
  });

  it("reads 5xx, 429, a body that is not JSON and one that is no envelope without an upstream code", () => {
    check(read(answer(503, "busy")), { ...unavailable, upstream: null }, call);
    expect(read(answer(503, "busy")).message).toBe("dingtalk.user.get: DingTalk answered HTTP 503");
    check(read(answer(500, { errcode: 0 })), { ...unavailable, upstream: null }, call);
    check(
      read(answer(429, { errcode: 0 })),
      {
        code: "UPSTREAM_RATE_LIMITED",
        retryable: true,
        upstream: null,
        message: "dingtalk.user.get: DingTalk answered HTTP 429",
      },
      call,
    );
    check(read(answer(200, '{"errcode":0,"res')), { ...unavailable, upstream: null }, call);
    check(read(answer(200, "[1,2]")), { ...unknown, upstream: null }, call);
    check(read(answer(200, '{"errcode":"not a number"}')), { ...unknown, upstream: null }, call);
  });

  it("passes a success through: errcode 0 (number or string) or none", () => {
    const ok = (body: unknown) =>
      interpret(DINGTALK_TRANSPORT, DINGTALK_TRANSPORT.endpoints["user.get"], call, answer(200, body));
    expect(ok({ errcode: 0, result: { userid: "a" } })).toEqual({ errcode: 0, result: { userid: "a" } });
    expect(ok({ errcode: "0", result: 1 })).toMatchObject({ result: 1 });
    expect(ok({ access_token: "t", expires_in: 7200 })).toMatchObject({ access_token: "t" });
    // Markup inside a JSON answer is data, not the ban page.
    expect(ok({ errcode: 0, name: "<b>张三</b>" })).toMatchObject({ name: "<b>张三</b>" });
  });
});

describe("Feishu (status and body code)", () => {
  const read = (
    response: UpstreamResponse,
    endpoint: keyof typeof FEISHU_TRANSPORT.endpoints = "batch_get_id",
  ) => failure(FEISHU_TRANSPORT, FEISHU_TRANSPORT.endpoints[endpoint], `feishu.${endpoint}`, response);
  const rate = { code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 1_000 };
  // Feishu answers the same code for "none" and "not visible to this app": the message says both.
  const outOfScopeDepartment = {
    code: "DEPARTMENT_NOT_FOUND",
    message: "no such department, or it is outside the app's contact scope",
  };
  const outOfScopeUser = {
    code: "USER_NOT_FOUND",
    message: "no such user, or the user is outside the app's contact scope",
  };

  it.each<[number, number, Expected]>([
    [400, 99991661, token],
    [400, 99991663, token],
    [400, 99991664, token],
    [400, 99991665, token],
    [400, 99991668, token],
    [401, 99991671, token],
    [400, 99991677, token],
    [400, 99991400, rate],
    [400, 1000004, rate],
    [400, 1000005, rate],
    [400, 99991403, { code: "UPSTREAM_RATE_LIMITED" }],
    [400, 10003, credentials],
    [400, 10014, credentials],
    [400, 99991543, credentials],
    [400, 99991662, credentials],
    [400, 99991673, credentials],
    [400, 99991672, permission],
    [400, 99991676, permission],
    [400, 99991679, permission],
    [400, 99991401, permission],
    [400, 40009, invalid],
    [400, 40011, invalid],
    [400, 99992402, invalid],
    [400, 40012, { code: "INVALID_REQUEST", message: "pageToken is not one this query returned" }],
    [500, 2200, unavailable],
    [200, 2200, unavailable],
    [400, 41050, unknown],
    [400, 40004, unknown],
    [400, 1234567, { code: "UPSTREAM_ERROR", message: "feishu.batch_get_id: Feishu answered code 1234567" }],
  ])("HTTP %i code %i", (status, code, expected) => {
    const error = read(answer(status, { code, msg: "said", error: { log_id: "log-1" } }));
    check(error, { upstream: String(code), ...expected }, "feishu.batch_get_id");
    expect(error.upstream).toEqual({ code: String(code), message: "said", requestId: "log-1" });
  });

  it.each<[keyof typeof FEISHU_TRANSPORT.endpoints, number, Expected]>([
    ["department.get", 40004, outOfScopeDepartment],
    ["department.get", 40015, noDepartment],
    ["department.children", 40004, outOfScopeDepartment],
    ["department.children", 40015, noDepartment],
    ["department.children", 43010, unknown],
    ["user.get", 41050, outOfScopeUser],
    ["find_by_department", 40004, outOfScopeDepartment],
    ["find_by_department", 41050, permission],
    ["user.get", 40004, unknown],
  ])("%s: code %i means something of its own", (endpoint, code, expected) => {
    check(
      read(answer(400, { code, msg: "m" }), endpoint),
      { upstream: String(code), ...expected },
      `feishu.${endpoint}`,
    );
  });

  it("waits what x-ogw-ratelimit-reset says, with or without a JSON body", () => {
    const reset = { "x-ogw-ratelimit-reset": "3" };
    check(
      read(answer(429, { code: 99991400, msg: "limit" }, reset)),
      { ...rate, retryAfterMs: 3_000 },
      "feishu.batch_get_id",
    );
    check(
      read(answer(429, "<html>429</html>", reset)),
      { ...rate, retryAfterMs: 3_000, upstream: null },
      "feishu.batch_get_id",
    );
    check(read(answer(429, "<html>429</html>")), { ...rate, upstream: null }, "feishu.batch_get_id");
  });

  it("reads answers without a body code by status", () => {
    check(read(answer(200, "<html>")), { ...unavailable, upstream: null }, "feishu.batch_get_id");
    expect(read(answer(200, "<html>")).message).toBe(
      "feishu.batch_get_id: Feishu answered HTTP 200 without a JSON body",
    );
    check(read(answer(502, "bad gateway")), { ...unavailable, upstream: null }, "feishu.batch_get_id");
    expect(read(answer(502, "bad gateway")).message).toBe("feishu.batch_get_id: Feishu answered HTTP 502");
    check(read(answer(404, "not found")), { ...unknown, upstream: null }, "feishu.batch_get_id");
    check(read(answer(200, { msg: "no code" })), { ...unavailable, upstream: null }, "feishu.batch_get_id");
  });

  it("does not take code 0 with an error status for a success", () => {
    check(
      read(answer(500, { code: 0, msg: "ok?" })),
      { ...unavailable, upstream: "0" },
      "feishu.batch_get_id",
    );
    check(read(answer(302, { code: 0 })), { ...unknown, upstream: "0" }, "feishu.batch_get_id");
    check(read(answer(300, { code: 0 })), { ...unknown, upstream: "0" }, "feishu.batch_get_id");
  });

  it("takes the request id from the body, else from x-tt-logid", () => {
    expect(read(answer(400, { code: 40011 }, { "x-tt-logid": "hdr-1" })).upstream?.requestId).toBe("hdr-1");
    expect(
      read(answer(400, { code: 40011, error: { log_id: "b-1" } }, { "x-tt-logid": "hdr-1" })).upstream
        ?.requestId,
    ).toBe("b-1");
    expect(read(answer(400, { code: 40011 })).upstream).toEqual({ code: "40011" });
  });

  it("passes code 0 on a 2xx through", () => {
    expect(
      interpret(
        FEISHU_TRANSPORT,
        FEISHU_TRANSPORT.endpoints.batch_get_id,
        "c",
        answer(200, { code: 0, data: { a: 1 } }),
      ),
    ).toEqual({ code: 0, data: { a: 1 } });
  });
});

describe("WeCom (HTTP 200, errcode decides)", () => {
  type E = keyof typeof WECOM_TRANSPORT.endpoints;
  const read = (response: UpstreamResponse, endpoint: E = "user.get") =>
    failure(WECOM_TRANSPORT, WECOM_TRANSPORT.endpoints[endpoint], `wecom.${endpoint}`, response);
  const gettoken = (response: UpstreamResponse) =>
    failure(WECOM_TRANSPORT, WECOM_TRANSPORT.token.endpoint, "wecom.token", response);

  it.each<[number, Expected]>([
    [40014, token],
    [42001, token],
    [41001, token],
    [40001, token],
    [40013, credentials],
    [40091, credentials],
    [45009, { code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 60_000 }],
    [45033, { code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 1_000 }],
    [-1, unavailable],
    [60011, permission],
    [50002, permission],
    [60020, permission],
    [48002, permission],
    [50003, permission],
    [60111, noUser],
    [46004, noUser],
    [40003, noUser],
    [60123, noDepartment],
    [60003, noDepartment],
    [40058, invalid],
    [99999, { code: "UPSTREAM_ERROR", message: "wecom.department.get: WeCom answered errcode 99999" }],
  ])("errcode %i", (errcode, expected) => {
    const errmsg = `said, hint: [hint-${errcode}], from ip: 203.0.113.9, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
    const error = read(answer(200, { errcode, errmsg }), "department.get");
    check(error, { upstream: String(errcode), ...expected }, "wecom.department.get");
    expect(error.upstream).toEqual({ code: String(errcode), message: "said", requestId: `hint-${errcode}` });
  });

  it("names the code in the messages that say it, and tells the operator what to do about 60020", () => {
    expect(read(answer(200, { errcode: 40058 })).message).toBe(
      "wecom.user.get: WeCom rejected a parameter (errcode 40058)",
    );
    expect(read(answer(200, { errcode: 40091 })).message).toBe(
      "wecom.user.get: WeCom rejected the connection's corpSecret (errcode 40091)",
    );
    expect(read(answer(200, { errcode: 40013 })).message).toBe(
      "wecom.user.get: WeCom does not know the connection's corpId (errcode 40013)",
    );
    expect(read(answer(200, { errcode: 60020 })).message).toBe(`wecom.user.get: ${UNTRUSTED_IP_DETAIL}`);
    expect(UNTRUSTED_IP_DETAIL).toContain("DIRGATE_FIXED_EGRESS=1");
    expect(read(answer(200, { errcode: 60011 })).message).toContain("可见范围");
  });

  it("reads gettoken's codes as the connection's credentials, never as a token to drop", () => {
    for (const errcode of [40001, 40091, 41004, 40013, 41002]) {
      check(gettoken(answer(200, { errcode })), { ...credentials, upstream: String(errcode) }, "wecom.token");
    }
    expect(gettoken(answer(200, { errcode: 40001 })).message).toBe(
      "wecom.token: WeCom rejected the connection's corpSecret (errcode 40001)",
    );
    expect(gettoken(answer(200, { errcode: 41002 })).message).toBe(
      "wecom.token: WeCom does not know the connection's corpId (errcode 41002)",
    );
  });

  it.each<[E, number, Expected]>([
    ["getuserid", 46004, noUser],
    [
      "getuserid",
      40058,
      { code: "INVALID_REQUEST", message: "wecom.getuserid: WeCom rejected the mobile (40058)" },
    ],
    ["get_userid_by_email", 46004, noUser],
    [
      "get_userid_by_email",
      40058,
      { code: "INVALID_REQUEST", message: "wecom.get_userid_by_email: WeCom rejected the email (40058)" },
    ],
    ["user.get", 60111, noUser],
    ["user.list", 60123, noDepartment],
    ["department.simplelist", 60123, noDepartment],
  ])("%s: errcode %i", (endpoint, errcode, expected) => {
    check(
      read(answer(200, { errcode }), endpoint),
      { upstream: String(errcode), ...expected },
      `wecom.${endpoint}`,
    );
  });

  it("reads answers without an errcode by status", () => {
    check(
      read(answer(502, "bad gateway")),
      { ...unavailable, upstream: null, message: "wecom.user.get: WeCom answered HTTP 502" },
      "wecom.user.get",
    );
    check(read(answer(200, "{trunc")), { ...unavailable, upstream: null }, "wecom.user.get");
    check(read(answer(404, "<html>nginx</html>")), { ...unknown, upstream: null }, "wecom.user.get");
    expect(read(answer(404, "<html>nginx</html>")).message).toContain("base URL (HTTP 404)");
    check(
      read(answer(429, "slow")),
      { code: "UPSTREAM_RATE_LIMITED", retryable: true, upstream: null },
      "wecom.user.get",
    );
    check(read(answer(200, { ok: true })), { ...unknown, upstream: null }, "wecom.user.get");
    expect(read(answer(200, { ok: true })).message).toBe(
      "wecom.user.get: WeCom answered a body without errcode",
    );
    check(read(answer(403, "denied")), { ...unknown, upstream: null }, "wecom.user.get");
    expect(read(answer(403, "denied")).message).toBe("wecom.user.get: WeCom answered errcode HTTP 403");
    // A 5xx is a failure whatever its body says.
    check(read(answer(500, { errcode: 0 })), { ...unavailable, upstream: null }, "wecom.user.get");
  });

  it("passes errcode 0 through", () => {
    expect(
      interpret(
        WECOM_TRANSPORT,
        WECOM_TRANSPORT.endpoints["user.get"],
        "c",
        answer(200, { errcode: 0, userid: "a" }),
      ),
    ).toEqual({ errcode: 0, userid: "a" });
    expect(
      interpret(
        WECOM_TRANSPORT,
        WECOM_TRANSPORT.endpoints["user.get"],
        "c",
        answer(200, { errcode: "0", userid: "a" }),
      ),
    ).toMatchObject({ userid: "a" });
  });

  it("splits errmsg into what it says and its hint, leaving out the caller's IP", () => {
    expect(splitErrmsg(undefined)).toEqual({});
    expect(splitErrmsg("")).toEqual({});
    expect(splitErrmsg("invalid userid")).toEqual({ message: "invalid userid" });
    expect(splitErrmsg("  invalid userid  ")).toEqual({ message: "invalid userid" });
    expect(
      splitErrmsg("no privilege, hint: [1700000000_1_abc], from ip: 1.2.3.4, more info at https://x"),
    ).toEqual({
      message: "no privilege",
      hint: "1700000000_1_abc",
    });
    expect(splitErrmsg("busy from ip: 1.2.3.4")).toEqual({ message: "busy" });
    expect(splitErrmsg("busy more info at https://x")).toEqual({ message: "busy" });
    expect(splitErrmsg("hint: [h-1]")).toEqual({ hint: "h-1" });
    expect(splitErrmsg("x hint:[h-2]")).toEqual({ message: "x", hint: "h-2" });
    expect(splitErrmsg("x, hint:[]")).toEqual({ message: "x" });
    expect(splitErrmsg("hinted at more information")).toEqual({ message: "hinted at more information" });
  });
});

describe("EIAM (OAuth errors and business codes)", () => {
  type E = keyof typeof EIAM_TRANSPORT.endpoints;
  const read = (response: UpstreamResponse, endpoint: E = "user.get") =>
    failure(EIAM_TRANSPORT, EIAM_TRANSPORT.endpoints[endpoint], `eiam.${endpoint}`, response);
  const tokenCall = (response: UpstreamResponse) =>
    failure(EIAM_TRANSPORT, EIAM_TRANSPORT.token.endpoint, "eiam.token", response);

  it.each<[number, Record<string, unknown> | string, Expected]>([
    [400, { error: "invalid_token", error_description: "expired" }, { ...token, upstream: "invalid_token" }],
    [401, {}, { ...token, upstream: "HTTP 401" }],
    [401, "", { ...token, upstream: "HTTP 401" }],
    [
      400,
      { error_code: "USER.0001", error_msg: "User does not exist" },
      { ...noUser, upstream: "USER.0001" },
    ],
    [400, { error_code: "IDAAS.TENANT.USER.0001" }, { ...noUser, upstream: "IDAAS.TENANT.USER.0001" }],
    [400, { error_code: "XUSER.0001" }, { ...unknown, upstream: "XUSER.0001" }],
    [400, { error_code: "A.USER.00012" }, { ...unknown, upstream: "A.USER.00012" }],
    [
      400,
      { error_code: "USER.0038" },
      { code: "INVALID_REQUEST", upstream: "USER.0038", message: "EIAM does not accept this mobile number" },
    ],
    [400, { error_code: "ORG.0001" }, { ...noDepartment, upstream: "ORG.0001" }],
    [403, { error: "access_denied" }, { ...permission, upstream: "access_denied" }],
    [429, "slow down", { code: "UPSTREAM_RATE_LIMITED", retryable: true, upstream: "HTTP 429" }],
    [
      500,
      { error_code: "SDK.COMMON.1008", error_msg: "System busy" },
      { ...unavailable, upstream: "SDK.COMMON.1008" },
    ],
    [503, "<html>", { ...unavailable, upstream: "HTTP 503" }],
    [
      400,
      { error_code: "USER.9999" },
      { code: "UPSTREAM_ERROR", upstream: "USER.9999", message: "eiam.user.get: EIAM answered USER.9999" },
    ],
    [404, "not here", { ...unknown, upstream: "HTTP 404" }],
  ])("HTTP %i %j", (status, body, expected) => {
    check(read(answer(status, body)), expected, "eiam.user.get");
  });

  it("prefers the business code and message over the OAuth ones", () => {
    const error = read(
      answer(400, {
        error: "invalid_request",
        error_description: "oauth",
        error_code: "USER.0001",
        error_msg: "biz",
      }),
    );
    expect(error.upstream).toEqual({ code: "USER.0001", message: "biz" });
    expect(read(answer(400, { error: "invalid_request", error_description: "oauth" })).upstream).toEqual({
      code: "invalid_request",
      message: "oauth",
    });
  });

  it("honours Retry-After", () => {
    check(
      read(answer(429, "", { "retry-after": "7" })),
      { code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 7_000 },
      "eiam.user.get",
    );
  });

  it("reads any client error of the token endpoint as refused client credentials, but a 5xx or 429 as transient", () => {
    for (const [status, body] of [
      [400, { error: "invalid_client" }],
      [401, { error: "invalid_client" }],
      [403, {}],
      [400, { error_code: "USER.9999" }],
    ] as const) {
      const error = tokenCall(answer(status, body));
      check(error, credentials, "eiam.token");
      expect(error.message).toBe("eiam.token: EIAM rejected the client credentials");
    }
    check(tokenCall(answer(503, "down")), unavailable, "eiam.token");
    check(tokenCall(answer(500, "down")), unavailable, "eiam.token");
    // Not a client error: not the credentials either.
    check(tokenCall(answer(302, "moved")), unknown, "eiam.token");
    check(tokenCall(answer(429, "slow")), { code: "UPSTREAM_RATE_LIMITED", retryable: true }, "eiam.token");
  });

  it("wants a JSON object on success", () => {
    for (const text of ["not json", "null", "[]", '"text"', "42"]) {
      check(read(answer(200, text)), { ...unavailable, upstream: null }, "eiam.user.get");
    }
    expect(
      interpret(EIAM_TRANSPORT, EIAM_TRANSPORT.endpoints["user.get"], "c", answer(201, { user_id: "u" })),
    ).toEqual({
      user_id: "u",
    });
    expect(interpret(EIAM_TRANSPORT, EIAM_TRANSPORT.endpoints["user.get"], "c", answer(299, {}))).toEqual({});
    check(read(answer(300, {})), { ...unknown, upstream: "HTTP 300" }, "eiam.user.get");
    check(read(answer(199, {})), { ...unknown, upstream: "HTTP 199" }, "eiam.user.get");
  });
});
