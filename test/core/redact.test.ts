import { DEFAULT_HTTP_DEPS, DirgateError, type HttpDeps, redact, TokenCache, toProblem } from "@dirgate/core";
import { createTransport, DINGTALK_TRANSPORT } from "@dirgate/providers";
import { describe, expect, it } from "vitest";

describe("redact", () => {
  it("strips tokens and secrets from URLs, headers and JSON", () => {
    const text = [
      "GET https://oapi.dingtalk.com/user/get?userid=a&access_token=6ed0198458d9f2af25b239de2249111f",
      "GET /gettoken?appkey=dingx&appsecret=s3cr3t-value",
      'authorization: "Bearer t-g1abcdef0123"',
      "Authorization: Basic c2J4OmVpLXNieC1zZWNyZXQ=",
      '{"app_secret":"fs-secret-1","tenant_access_token":"t-xyz","client_secret":"cs"}',
    ].join("\n");
    const out = redact(text);
    for (const leaked of [
      "6ed0198458d9f2af25b239de2249111f",
      "s3cr3t-value",
      "t-g1abcdef0123",
      "c2J4OmVp",
      "fs-secret-1",
      "t-xyz",
      '"cs"',
    ]) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain("userid=a");
    expect(out).toContain("appkey=dingx");
  });

  it("strips exact secret values wherever they appear", () => {
    expect(redact("failed for dt-sbx-secret-XYZ in body", ["dt-sbx-secret-XYZ"])).toBe(
      "failed for [REDACTED] in body",
    );
  });
});

describe("redact: the gaps an audit found", () => {
  it("strips camelCase and kebab-case credential keys, refresh tokens and DingTalk's token header", () => {
    const text = [
      '{"clientSecret":"cs-camel-1","appSecret":"as-camel-2","corpSecret":"cp-camel-3"}',
      '{"refresh_token":"rt-snake-4","refreshToken":"rt-camel-5","accessToken":"at-camel-6"}',
      "x-acs-dingtalk-access-token: dt-header-7",
      "X-Acs-Dingtalk-Access-Token=dt-header-8",
      "grant_type=refresh_token&refresh_token=rt-form-9&client-secret=cs-kebab-10",
      '{"encodingAESKey":"aes-11","aesKey":"aes-12","encryptKey":"ek-13","verificationToken":"vt-14"}',
      "x-amz-security-token: st-15",
    ].join("\n");
    const out = redact(text);
    for (let i = 1; i <= 15; i += 1) expect(out, out).not.toMatch(new RegExp(`-${i}\\b`));
    expect(out).toContain("grant_type=refresh_token");
  });

  it("leaves its own error text readable: prose after Basic/Bearer, names that merely end in token", () => {
    for (const text of [
      "eiam.token: Basic authentication failed; check clientAuth",
      "send a Bearer token.",
      "dingtalk.token: no access token in the answer",
      "pageToken: pass nextPageToken from the previous page of the same query",
      "the secret of connection acme is not a valid connection (appSecret, clientSecret)",
      "client_secret_expires_at: 0",
      "access_token=[REDACTED]",
      "authorization: [REDACTED]",
    ]) {
      expect(redact(text)).toBe(text);
    }
    // Redacting twice changes nothing more.
    const once = redact('Authorization: Bearer t-g1abc0123 {"access_token":"x1y2z3"}');
    expect(redact(once)).toBe(once);
    expect(once).not.toMatch(/t-g1abc0123|x1y2z3/);
  });

  it("scrubs what a provider said before it reaches a caller (upstream.message and the error's message)", async () => {
    const said =
      "invalid request: refresh_token=rt-leak-1 clientSecret: cs-leak-2 x-acs-dingtalk-access-token: hd-leak-3";
    const answer = (url: string) => {
      const body = url.includes("/gettoken")
        ? { errcode: 0, access_token: "tok-abcdef-123", expires_in: 7200 }
        : { errcode: 40078, errmsg: said, request_id: "r1" };
      return {
        status: 200,
        headers: new Headers({ "content-type": "application/json" }),
        text: JSON.stringify(body),
      };
    };
    // The request function's transport, whichever way it is injected (a `send` function, or `fetch`).
    const http = {
      ...DEFAULT_HTTP_DEPS,
      maxAttempts: 1,
      send: async (request: { url: string }) => answer(request.url),
      fetch: async (input: unknown) => {
        const { status, headers, text } = answer(String(input));
        return new Response(text, { status, headers });
      },
    } as unknown as HttpDeps;
    const api = createTransport(
      DINGTALK_TRANSPORT,
      { provider: "dingtalk", appKey: "dingk", appSecret: "dt-app-secret", expose: [] } as never,
      { http, tokens: new TokenCache() },
    );
    const error = await api.call("user.get" as never, { body: { userid: "x" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirgateError);
    const problem = JSON.stringify(toProblem(error, "req"));
    expect(problem).toContain("40078");
    for (const leak of ["rt-leak-1", "cs-leak-2", "hd-leak-3", "tok-abcdef-123", "dt-app-secret"])
      expect(problem).not.toContain(leak);
  });
});
