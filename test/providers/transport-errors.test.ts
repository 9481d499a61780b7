import type { UpstreamResponse } from "@dirgate/core";
import { DINGTALK_TRANSPORT, EIAM_TRANSPORT, FEISHU_TRANSPORT, interpret } from "@dirgate/providers";
import { describe, expect, it } from "vitest";

/** Each provider's answers read through the one transport, with the provider's tables (its data). */
const interpretDingTalk = (response: UpstreamResponse, name: string) =>
  interpret(DINGTALK_TRANSPORT, DINGTALK_TRANSPORT.endpoints["user.get"], name, response);
const interpretFeishu = (
  response: UpstreamResponse,
  name: string,
  endpoint: keyof typeof FEISHU_TRANSPORT.endpoints = "batch_get_id",
) => interpret(FEISHU_TRANSPORT, FEISHU_TRANSPORT.endpoints[endpoint], name, response);
const interpretEiam = (response: UpstreamResponse, name: string, stage: "token" | "api" = "api") =>
  interpret(
    EIAM_TRANSPORT,
    stage === "token" ? EIAM_TRANSPORT.token.endpoint : EIAM_TRANSPORT.endpoints["user.get"],
    name,
    response,
  );

function answer(status: number, body: unknown, headers: Record<string, string> = {}): UpstreamResponse {
  return {
    status,
    headers: new Headers(headers),
    text: typeof body === "string" ? body : JSON.stringify(body),
  };
}
function caught(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return error as {
      code: string;
      retryable: boolean;
      tokenRejected: boolean;
      retryAfterMs?: number;
      upstream?: { code?: string };
    };
  }
  throw new Error("expected a throw");
}

describe("DingTalk error mapping (HTTP 200 + errcode)", () => {
  it.each([
    [{ errcode: 60121, errmsg: "找不到该用户" }, "USER_NOT_FOUND", false, "60121"],
    [{ errcode: 33012, errmsg: "无效的userId" }, "USER_NOT_FOUND", false, "33012"],
    [{ errcode: 40104, errmsg: "无效的手机号" }, "USER_NOT_FOUND", false, "40104"],
    [{ errcode: 400002, errmsg: "无效的参数" }, "INVALID_REQUEST", false, "400002"],
    [{ errcode: -1, errmsg: "系统繁忙" }, "UPSTREAM_UNAVAILABLE", true, "-1"],
    [{ errcode: "-1", errmsg: "系统繁忙" }, "UPSTREAM_UNAVAILABLE", true, "-1"],
    [
      { errcode: 88, sub_code: "60011", sub_msg: "没有调用该接口的权限" },
      "PROVIDER_PERMISSION_DENIED",
      false,
      "88/60011",
    ],
    [{ errcode: 88, sub_code: "90002", sub_msg: "global" }, "UPSTREAM_RATE_LIMITED", true, "88/90002"],
    [{ errcode: 88, sub_code: "90018", sub_msg: "per app" }, "UPSTREAM_RATE_LIMITED", true, "88/90018"],
    [{ errcode: 90020, errmsg: "本月api调用量已超过限制" }, "UPSTREAM_RATE_LIMITED", false, "90020"],
    [{ errcode: 40096, errmsg: "不合法的appKey或appSecret" }, "UPSTREAM_AUTH_FAILED", false, "40096"],
    [{ errcode: 60003, errmsg: "部门不存在" }, "DEPARTMENT_NOT_FOUND", false, "60003"],
    [{ errcode: 22, sub_msg: "不合法ApiName" }, "UPSTREAM_ERROR", false, "22"],
    [{ errcode: 123456, errmsg: "新错误" }, "UPSTREAM_ERROR", false, "123456"],
  ])("%o → %s", (body, code, retryable, upstreamCode) => {
    const error = caught(() => interpretDingTalk(answer(200, body), "t"));
    expect(error).toMatchObject({ code, retryable, upstream: { code: upstreamCode } });
  });

  it.each([
    [{ errcode: 88, sub_code: "40014", sub_msg: "不合法的access_token" }],
    [{ errcode: 88, sub_code: "42001", sub_msg: "access_token超时" }],
    [{ errcode: 40014, errmsg: "不合法的access_token" }],
    [{ errcode: 42001, errmsg: "access_token超时" }],
  ])("marks %o as a rejected token", (body) => {
    expect(caught(() => interpretDingTalk(answer(200, body), "t"))).toMatchObject({
      code: "UPSTREAM_AUTH_FAILED",
      tokenRejected: true,
    });
  });

  it("reads the IP-ban HTML page and {punish: deny} as a 5-minute rate limit (longer than any call waits)", () => {
    const html = caught(() => interpretDingTalk(answer(200, "<html><body>访问被拒绝</body></html>"), "t"));
    const punish = caught(() =>
      interpretDingTalk(answer(200, { status: 1111, wait: 5, source: "x5", punish: "deny" }), "t"),
    );
    // Retryable later (a batch hands it back to SQS); the request function never waits 5 minutes.
    expect(html).toMatchObject({ code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 300_000 });
    expect(punish).toMatchObject({ code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 300_000 });
  });

  it("reads a gateway 5xx and a truncated body as transient", () => {
    expect(caught(() => interpretDingTalk(answer(502, "<html>502</html>"), "t"))).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      retryable: true,
    });
    expect(caught(() => interpretDingTalk(answer(200, '{"errcode":0,"res'), "t"))).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      retryable: true,
    });
  });

  it("accepts errcode 0 as a number or the doc's string", () => {
    expect(interpretDingTalk(answer(200, { errcode: "0", result: {} }), "t")).toHaveProperty("result");
  });
});

describe("Feishu error mapping (status and body code)", () => {
  it.each([
    [400, { code: 99991663, msg: "Invalid access token" }, "UPSTREAM_AUTH_FAILED", true],
    [401, { code: 99991661, msg: "Missing access token" }, "UPSTREAM_AUTH_FAILED", true],
    [400, { code: 10014, msg: "app secret invalid" }, "UPSTREAM_AUTH_FAILED", false],
    [400, { code: 40011, msg: "page size is invalid" }, "INVALID_REQUEST", false],
    [400, { code: 40012, msg: "page token is invalid error" }, "INVALID_REQUEST", false],
    [400, { code: 99991672, msg: "Access denied" }, "PROVIDER_PERMISSION_DENIED", false],
    [500, { code: 2200, msg: "Internal Error" }, "UPSTREAM_UNAVAILABLE", false],
    [400, { code: 1234567, msg: "new" }, "UPSTREAM_ERROR", false],
    [200, { code: 99991400, msg: "limit" }, "UPSTREAM_RATE_LIMITED", false],
  ])("HTTP %i %o → %s", (status, body, code, tokenRejected) => {
    expect(caught(() => interpretFeishu(answer(status, body), "t"))).toMatchObject({ code, tokenRejected });
  });

  it("reads 40004 per operation (a department it cannot see)", () => {
    const error = caught(() =>
      interpretFeishu(
        answer(403, { code: 40004, msg: "no dept authority error" }),
        "t",
        "find_by_department",
      ),
    );
    expect(error.code).toBe("DEPARTMENT_NOT_FOUND");
  });

  it("honours x-ogw-ratelimit-reset on a 429, body or no body", () => {
    const json = caught(() =>
      interpretFeishu(answer(429, { code: 99991400, msg: "limit" }, { "x-ogw-ratelimit-reset": "3" }), "t"),
    );
    const html = caught(() =>
      interpretFeishu(answer(429, "<html>429</html>", { "x-ogw-ratelimit-reset": "2" }), "t"),
    );
    expect(json).toMatchObject({ code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 3_000 });
    expect(html).toMatchObject({ code: "UPSTREAM_RATE_LIMITED", retryable: true, retryAfterMs: 2_000 });
  });

  it("does not accept code 0 with an error status", () => {
    expect(caught(() => interpretFeishu(answer(502, "bad gateway"), "t"))).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      retryable: true,
    });
  });
});

describe("EIAM error mapping", () => {
  it.each([
    [400, { error_code: "USER.0001", error_msg: "User does not exist" }, "USER_NOT_FOUND", false],
    [400, { error_code: "IDAAS.TENANT.USER.0001", error_msg: "User not found" }, "USER_NOT_FOUND", false],
    [400, { error: "invalid_token", error_description: "Invalid access" }, "UPSTREAM_AUTH_FAILED", true],
    [403, { error: "access_denied" }, "PROVIDER_PERMISSION_DENIED", false],
    [500, { error_code: "SDK.COMMON.1008", error_msg: "System busy" }, "UPSTREAM_UNAVAILABLE", false],
    [400, { error_code: "USER.9999", error_msg: "?" }, "UPSTREAM_ERROR", false],
  ])("HTTP %i %o → %s", (status, body, code, tokenRejected) => {
    expect(caught(() => interpretEiam(answer(status, body), "t"))).toMatchObject({ code, tokenRejected });
  });

  it("reads any token-endpoint failure as bad client credentials", () => {
    expect(caught(() => interpretEiam(answer(401, { error: "invalid_client" }), "t", "token"))).toMatchObject(
      {
        code: "UPSTREAM_AUTH_FAILED",
        tokenRejected: false,
      },
    );
  });
});
