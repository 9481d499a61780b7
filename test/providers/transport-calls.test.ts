import {
  DEFAULT_HTTP_DEPS,
  DirgateError,
  type HttpDeps,
  type SendRequest,
  type SendResponse,
  TokenCache,
} from "@dirgate/core";
import {
  createTransport,
  DINGTALK_TRANSPORT,
  EIAM_TRANSPORT,
  FEISHU_TRANSPORT,
  interpret,
  type TransportSpec,
  withToken,
} from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import { fillPath, rule, tokenFields } from "../../packages/providers/src/transport.ts";
import { WECOM_TRANSPORT } from "../../packages/providers/src/wecom/transport.ts";

/**
 * The one provider transport at work (packages/providers/src/transport.ts): what goes on the wire
 * for each provider (URL, token placement, body encoding, headers), the token fetched once and
 * cached per credentials, a rejected token dropped and fetched again once, and no credential in
 * anything it throws.
 */

function json(body: unknown, status = 200): SendResponse {
  return { status, headers: new Headers(), text: JSON.stringify(body) };
}

/** A wire that records each request and answers with `reply` (no network, no retries, no waits). */
function wire(reply: (request: SendRequest) => SendResponse) {
  const sent: SendRequest[] = [];
  const http: HttpDeps = {
    ...DEFAULT_HTTP_DEPS,
    maxAttempts: 1,
    sleep: async () => {},
    send: async (request) => {
      sent.push(request);
      return reply(request);
    },
  };
  return { sent, deps: { http, tokens: new TokenCache() } };
}

const path = (url: string) => new URL(url).pathname;
const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

const dingtalk = {
  provider: "dingtalk",
  appKey: "ding-key",
  appSecret: "ding-app-secret",
  userApi: "v2",
} as const;

describe("createTransport: what goes on the wire", () => {
  it("DingTalk: gettoken with appkey/appsecret in the query, then the token as access_token in the query, a JSON body", async () => {
    const { sent, deps } = wire((request) =>
      path(request.url) === "/gettoken"
        ? json({ errcode: 0, access_token: "dt-token-1", expires_in: 7200 })
        : json({ errcode: 0, result: { userid: "zhangsan" } }),
    );
    const api = createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps);
    await expect(api.call("user.get", { body: { userid: "zhangsan", language: "zh_CN" } })).resolves.toEqual({
      errcode: 0,
      result: { userid: "zhangsan" },
    });
    expect(sent).toHaveLength(2);
    const [tokenRequest, call] = sent as [SendRequest, SendRequest];
    expect(tokenRequest.method).toBe("GET");
    expect(tokenRequest.url).toBe(
      "https://oapi.dingtalk.com/gettoken?appkey=ding-key&appsecret=ding-app-secret",
    );
    expect(tokenRequest.body).toBeUndefined();
    expect(tokenRequest.headers).toEqual({});
    expect(call.method).toBe("POST");
    expect(call.url).toBe("https://oapi.dingtalk.com/topapi/v2/user/get?access_token=dt-token-1");
    expect(call.headers).toEqual({ "content-type": "application/json; charset=utf-8" });
    expect(JSON.parse(call.body ?? "")).toEqual({ userid: "zhangsan", language: "zh_CN" });
    expect(call.signal).toBeInstanceOf(AbortSignal);
  });

  it("DingTalk: query values are encoded, undefined ones left out, the token last", async () => {
    const { sent, deps } = wire((request) =>
      path(request.url) === "/gettoken"
        ? json({ access_token: "t&1", expires_in: 7200 })
        : json({ errcode: 0, userid: "a" }),
    );
    const api = createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps);
    await api.call("legacy.user.get", { query: { userid: "a&b=c d", lang: undefined } });
    expect(sent[1]?.method).toBe("GET");
    expect(sent[1]?.url).toBe("https://oapi.dingtalk.com/user/get?userid=a%26b%3Dc+d&access_token=t%261");
    expect(query(sent[1]?.url ?? "")).toEqual({ userid: "a&b=c d", access_token: "t&1" });
    expect(sent[1]?.body).toBeUndefined();
    expect(sent[1]?.headers).toEqual({});
  });

  it("Feishu: the token from a JSON body, then sent as a Bearer header; path parameters URL-encoded", async () => {
    const { sent, deps } = wire((request) =>
      request.url.endsWith("/tenant_access_token/internal")
        ? json({ code: 0, tenant_access_token: "t-fs-1", expire: 7200 })
        : json({ code: 0, data: {} }),
    );
    const api = createTransport(
      FEISHU_TRANSPORT,
      {
        provider: "feishu",
        appId: "cli_1",
        appSecret: "fs-app-secret",
        baseUrl: "https://open.larksuite.com//",
      } as never,
      deps,
    );
    await api.call("user.get", { params: { user_id: "ou/../x y" }, query: { user_id_type: "user_id" } });
    const [tokenRequest, call] = sent as [SendRequest, SendRequest];
    expect(tokenRequest.method).toBe("POST");
    expect(tokenRequest.url).toBe(
      "https://open.larksuite.com/open-apis/auth/v3/tenant_access_token/internal",
    );
    expect(tokenRequest.headers).toEqual({ "content-type": "application/json; charset=utf-8" });
    expect(JSON.parse(tokenRequest.body ?? "")).toEqual({ app_id: "cli_1", app_secret: "fs-app-secret" });
    expect(call.url).toBe(
      "https://open.larksuite.com/open-apis/contact/v3/users/ou%2F..%2Fx%20y?user_id_type=user_id",
    );
    expect(call.headers).toEqual({ authorization: "Bearer t-fs-1" });
    expect(call.body).toBeUndefined();
  });

  it("EIAM: a form-encoded token request with HTTP Basic client credentials (each part form-encoded first)", async () => {
    const { sent, deps } = wire((request) =>
      path(request.url) === "/api/v2/tenant/token"
        ? json({ access_token: "eiam-token-1", expires_in: 3600 })
        : json({ user_id: "u1" }),
    );
    const api = createTransport(
      EIAM_TRANSPORT,
      {
        provider: "eiam",
        clientId: "client:1",
        clientSecret: "s3cret&+",
        clientAuth: "basic",
        baseUrl: "https://tenant.example.com/",
      } as never,
      deps,
    );
    await expect(api.call("user-by-mobile", { body: { mobile: "+86 138" } })).resolves.toEqual({
      user_id: "u1",
    });
    const [tokenRequest, call] = sent as [SendRequest, SendRequest];
    expect(tokenRequest.url).toBe("https://tenant.example.com/api/v2/tenant/token");
    expect(tokenRequest.method).toBe("POST");
    expect(tokenRequest.body).toBe("grant_type=client_credentials");
    expect(tokenRequest.headers).toEqual({
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from("client%3A1:s3cret%26%2B").toString("base64")}`,
    });
    expect(call.url).toBe("https://tenant.example.com/api/v2/tenant/users/user-by-mobile");
    expect(call.headers).toEqual({
      "content-type": "application/json; charset=utf-8",
      authorization: "Bearer eiam-token-1",
    });
    expect(call.body).toBe('{"mobile":"+86 138"}');
  });

  it("EIAM: form client authentication puts the credentials in the form body instead", async () => {
    const { sent, deps } = wire((request) =>
      path(request.url) === "/api/v2/tenant/token"
        ? json({ access_token: "eiam-token-2", expires_in: 3600 })
        : json({ user_id: "u1" }),
    );
    const api = createTransport(
      EIAM_TRANSPORT,
      {
        provider: "eiam",
        clientId: "client 1",
        clientSecret: "form-secret",
        clientAuth: "form",
        baseUrl: "https://tenant.example.com",
      } as never,
      deps,
    );
    await api.call("user.get", { params: { user_id: "u1" } });
    expect(sent[0]?.headers).toEqual({ "content-type": "application/x-www-form-urlencoded" });
    expect(Object.fromEntries(new URLSearchParams(sent[0]?.body))).toEqual({
      grant_type: "client_credentials",
      client_id: "client 1",
      client_secret: "form-secret",
    });
    expect(sent[1]?.method).toBe("GET");
  });

  it("WeCom: gettoken with corpid/corpsecret in the query, the token in the query of each call", async () => {
    const { sent, deps } = wire((request) =>
      path(request.url) === "/cgi-bin/gettoken"
        ? json({ errcode: 0, access_token: "wc-token-1", expires_in: 7200 })
        : json({ errcode: 0, userid: "a" }),
    );
    const api = createTransport(
      WECOM_TRANSPORT,
      { provider: "wecom", corpId: "ww1", corpSecret: "wc-corp-secret" } as never,
      deps,
    );
    await api.call("user.get", { query: { userid: "a" } });
    expect(sent[0]?.url).toBe(
      "https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret=wc-corp-secret",
    );
    expect(sent[1]?.url).toBe(
      "https://qyapi.weixin.qq.com/cgi-bin/user/get?userid=a&access_token=wc-token-1",
    );
  });
});

describe("createTransport: the token", () => {
  const answers = () => {
    let issued = 0;
    const reply = (request: SendRequest) => {
      if (path(request.url).endsWith("/gettoken")) {
        issued += 1;
        return json({ errcode: 0, access_token: `tok-${issued}`, expires_in: 7200 });
      }
      return json({ errcode: 0, token: query(request.url).access_token });
    };
    return { reply, issued: () => issued };
  };

  it("is fetched once and reused by every call of the connection, and of a connection with the same credentials", async () => {
    const { reply, issued } = answers();
    const { deps } = wire(reply);
    const api = createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps);
    const again = createTransport(DINGTALK_TRANSPORT, { ...dingtalk } as never, deps);
    expect(await api.call("user.get", { body: {} })).toMatchObject({ token: "tok-1" });
    expect(await api.call("user.get", { body: {} })).toMatchObject({ token: "tok-1" });
    expect(await again.call("user.get", { body: {} })).toMatchObject({ token: "tok-1" });
    expect(issued()).toBe(1);
  });

  it("is never shared across other credentials or another base URL", async () => {
    const { reply, issued } = answers();
    const { deps } = wire(reply);
    await createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps).call("user.get", { body: {} });
    const other = createTransport(DINGTALK_TRANSPORT, { ...dingtalk, appSecret: "rotated" } as never, deps);
    expect(await other.call("user.get", { body: {} })).toMatchObject({ token: "tok-2" });
    const otherKey = createTransport(DINGTALK_TRANSPORT, { ...dingtalk, appKey: "k2" } as never, deps);
    expect(await otherKey.call("user.get", { body: {} })).toMatchObject({ token: "tok-3" });
    const elsewhere = createTransport(
      DINGTALK_TRANSPORT,
      { ...dingtalk, baseUrl: "https://dingtalk.example.com" } as never,
      deps,
    );
    expect(await elsewhere.call("user.get", { body: {} })).toMatchObject({ token: "tok-4" });
    expect(issued()).toBe(4);
    // Keys name the provider and hide the credentials.
    expect(deps.tokens.size).toBe(4);
  });

  it("is not shared by connections whose base URL and credentials only run together the same way", async () => {
    const { reply, issued } = answers();
    const { deps } = wire(reply);
    const a = { ...dingtalk, baseUrl: "https://dt.example.com/k", appKey: "1x" };
    const b = { ...dingtalk, baseUrl: "https://dt.example.com/k1", appKey: "x" };
    await createTransport(DINGTALK_TRANSPORT, a as never, deps).call("user.get", { body: {} });
    await createTransport(DINGTALK_TRANSPORT, b as never, deps).call("user.get", { body: {} });
    expect(issued()).toBe(2);
  });

  it("is dropped when upstream rejects it and fetched again, once", async () => {
    let issued = 0;
    const { sent, deps } = wire((request) => {
      if (path(request.url) === "/gettoken") {
        issued += 1;
        return json({ errcode: 0, access_token: `tok-${issued}`, expires_in: 7200 });
      }
      return query(request.url).access_token === "tok-1"
        ? json({ errcode: 40014, errmsg: "不合法的access_token" })
        : json({ errcode: 0, ok: 1 });
    });
    const api = createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps);
    await expect(api.call("user.get", { body: {} })).resolves.toMatchObject({ ok: 1 });
    expect(sent.map((r) => path(r.url))).toEqual([
      "/gettoken",
      "/topapi/v2/user/get",
      "/gettoken",
      "/topapi/v2/user/get",
    ]);
  });

  it("rejected twice: the app's credentials no longer work (UPSTREAM_AUTH_FAILED, not retried again)", async () => {
    let issued = 0;
    const { sent, deps } = wire((request) => {
      if (path(request.url) === "/gettoken") {
        issued += 1;
        return json({ errcode: 0, access_token: `tok-${issued}`, expires_in: 7200 });
      }
      return json({ errcode: 42001, errmsg: "access_token超时", request_id: "r-9" });
    });
    const api = createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps);
    const error = (await api.call("user.get", { body: {} }).catch((e: unknown) => e)) as DirgateError;
    expect(error).toBeInstanceOf(DirgateError);
    expect(error.code).toBe("UPSTREAM_AUTH_FAILED");
    expect(error.tokenRejected).toBe(false);
    expect(error.message).toBe("upstream rejected a freshly issued access token");
    expect(error.upstream).toEqual({ code: "42001", message: "access_token超时", requestId: "r-9" });
    expect(sent).toHaveLength(4);
    // Neither rejected token stays cached.
    expect(deps.tokens.size).toBe(0);
  });

  it("an answer without a token is an upstream error, and nothing is cached", async () => {
    const { deps } = wire(() => json({ errcode: 0, expires_in: 7200 }));
    const api = createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps);
    await expect(api.call("user.get", { body: {} })).rejects.toMatchObject({
      code: "UPSTREAM_ERROR",
      message: "dingtalk.token: no access token in the answer",
    });
    expect(deps.tokens.size).toBe(0);
  });

  it("a token endpoint failure is reported under the token call's name", async () => {
    const { deps } = wire(() => json({ errcode: 40096, errmsg: "不合法的appKey或appSecret" }));
    const api = createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps);
    await expect(api.call("user.get", { body: {} })).rejects.toMatchObject({
      code: "UPSTREAM_AUTH_FAILED",
      message: "dingtalk.token: DingTalk rejected the app credentials",
    });
  });
});

describe("createTransport: no credential in what it throws", () => {
  const eiam = {
    provider: "eiam",
    clientId: "client",
    clientSecret: "eiam-secret-1",
    clientAuth: "basic",
    baseUrl: "https://t.example.com",
  } as never;

  it("scrubs the token and the client secret from what an API call throws", async () => {
    const { deps } = wire((request) => {
      if (path(request.url) === "/api/v2/tenant/token")
        return json({ access_token: "eiam-tok-1", expires_in: 3600 });
      return json(
        {
          error_code: "USER.9999",
          error_msg: `saw eiam-tok-1 and eiam-secret-1 and ${request.headers?.authorization}`,
        },
        400,
      );
    });
    const api = createTransport(EIAM_TRANSPORT, eiam, deps);
    const error = (await api
      .call("user.get", { params: { user_id: "u" } })
      .catch((e: unknown) => e)) as DirgateError;
    expect(error.code).toBe("UPSTREAM_ERROR");
    expect(error.upstream?.message).toBe("saw [REDACTED] and [REDACTED] and Bearer [REDACTED]");
  });

  it("scrubs the Basic client credentials the token request sent, should the token endpoint echo them", async () => {
    const basic = `Basic ${Buffer.from("client:eiam-secret-1").toString("base64")}`;
    const { deps } = wire((request) =>
      json({ error: "invalid_client", error_description: `bad ${request.headers?.authorization};` }, 401),
    );
    const api = createTransport(EIAM_TRANSPORT, eiam, deps);
    const error = (await api
      .call("user.get", { params: { user_id: "u" } })
      .catch((e: unknown) => e)) as DirgateError;
    expect(error.code).toBe("UPSTREAM_AUTH_FAILED");
    expect(error.upstream?.message).toBe("bad Basic [REDACTED];");
    expect(JSON.stringify(error)).not.toContain(basic.slice(6));
  });

  it("scrubs the token from a network error that quotes the URL", async () => {
    const { deps } = wire((request) => {
      if (path(request.url) === "/gettoken")
        return json({ errcode: 0, access_token: "url-token-9", expires_in: 7200 });
      throw Object.assign(new Error(`connect failed for ${request.url}`), {});
    });
    const api = createTransport(DINGTALK_TRANSPORT, dingtalk as never, deps);
    const error = (await api.call("user.get", { body: {} }).catch((e: unknown) => e)) as DirgateError;
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(error.message).toContain(
      "dingtalk.user.get: connect failed for https://oapi.dingtalk.com/topapi/v2/user/get",
    );
    expect(error.message).not.toContain("url-token-9");
  });
});

describe("withToken", () => {
  const rejected = () => new DirgateError("UPSTREAM_AUTH_FAILED", "rejected", { tokenRejected: true });

  it("passes any other failure straight through, keeping the token", async () => {
    const tokens = new TokenCache();
    let grants = 0;
    const grant = async () => ({ token: `t${++grants}`, expiresInSeconds: 60 });
    const other = new DirgateError("USER_NOT_FOUND", "no");
    await expect(withToken(tokens, "k", grant, async () => Promise.reject(other))).rejects.toBe(other);
    const crash = new TypeError("crash");
    await expect(withToken(tokens, "k", grant, async () => Promise.reject(crash))).rejects.toBe(crash);
    expect(grants).toBe(1);
    expect(tokens.size).toBe(1);
  });

  it("after one rejection, a failure of the second call that is not a rejection is passed through as is", async () => {
    const tokens = new TokenCache();
    let grants = 0;
    const grant = async () => ({ token: `t${++grants}`, expiresInSeconds: 60 });
    const second = new DirgateError("UPSTREAM_UNAVAILABLE", "down", { retryable: true });
    const seen: string[] = [];
    const error = await withToken(tokens, "k", grant, async (token) => {
      seen.push(token);
      throw seen.length === 1 ? rejected() : second;
    }).catch((e: unknown) => e);
    expect(error).toBe(second);
    expect(seen).toEqual(["t1", "t2"]);
    // The second token was not the one rejected: it stays.
    expect(await tokens.get("k", grant)).toBe("t2");
  });

  it("keeps the second rejection as the cause", async () => {
    const tokens = new TokenCache();
    const grant = async () => ({ token: "t", expiresInSeconds: 60 });
    const last = rejected();
    let calls = 0;
    const error = (await withToken(tokens, "k", grant, async () => {
      calls += 1;
      throw calls === 1 ? rejected() : last;
    }).catch((e: unknown) => e)) as DirgateError;
    expect(error.cause).toBe(last);
    expect(error.retryable).toBe(false);
  });
});

describe("the transport's helpers", () => {
  it("tokenFields: a non-empty string token and a positive number of seconds, else no grant", () => {
    const read = tokenFields("access_token", "expires_in");
    expect(read({ access_token: "t", expires_in: 7200 })).toEqual({ token: "t", expiresInSeconds: 7200 });
    expect(read({ access_token: "", expires_in: 7200 })).toBeUndefined();
    expect(read({ access_token: 1, expires_in: 7200 })).toBeUndefined();
    expect(read({ access_token: "t", expires_in: 0 })).toBeUndefined();
    expect(read({ access_token: "t", expires_in: "7200" })).toBeUndefined();
    expect(read({ access_token: "t" })).toBeUndefined();
    expect(tokenFields("tenant_access_token", "expire")({ tenant_access_token: "f", expire: 1 })).toEqual({
      token: "f",
      expiresInSeconds: 1,
    });
  });

  it("fillPath: each {name} filled with its encoded value; a missing one is an error", () => {
    expect(fillPath("/a/{x}/b/{y_2}", { x: "1/2", y_2: "?&#" })).toBe("/a/1%2F2/b/%3F%26%23");
    expect(fillPath("/plain")).toBe("/plain");
    expect(() => fillPath("/a/{x}", {})).toThrow("path parameter x is missing");
  });

  it("a provider without a rule for unknown codes reads them as UPSTREAM_ERROR, its code kept", () => {
    const bare = {
      ...DINGTALK_TRANSPORT,
      codes: {},
      patterns: [],
      statuses: {},
      unrecognised: undefined,
    } as TransportSpec<unknown, string>;
    const error = (() => {
      try {
        interpret(bare, { method: "GET", path: "/x" }, "p.call", {
          status: 200,
          headers: new Headers(),
          text: '{"errcode":777}',
        });
      } catch (e) {
        return e as DirgateError;
      }
    })();
    expect(error).toMatchObject({ code: "UPSTREAM_ERROR", message: "p.call: upstream answered 777" });
  });

  it("without any base URL, calls go to the endpoint's path alone", async () => {
    const { sent, deps } = wire(() => json({ access_token: "t", expires_in: 60 }));
    const spec = { ...EIAM_TRANSPORT, defaultBaseUrl: undefined } as TransportSpec<unknown, string>;
    await createTransport(spec, { clientId: "c", clientSecret: "s", clientAuth: "form" } as never, deps).call(
      "user.get",
      { params: { user_id: "u" } },
    );
    expect(sent.map((r) => r.url)).toEqual(["/api/v2/tenant/token", "/api/v2/tenant/users/u"]);
  });

  it("rule: one line per code, extras kept", () => {
    expect(rule("USER_NOT_FOUND", "m")).toEqual({ code: "USER_NOT_FOUND", message: "m" });
    expect(rule("UPSTREAM_UNAVAILABLE", "m", { retryable: true })).toEqual({
      code: "UPSTREAM_UNAVAILABLE",
      message: "m",
      retryable: true,
    });
  });

  it("every provider's endpoints name a method and a path", () => {
    for (const spec of [
      DINGTALK_TRANSPORT,
      FEISHU_TRANSPORT,
      WECOM_TRANSPORT,
      EIAM_TRANSPORT,
    ] as TransportSpec<unknown, string>[]) {
      for (const endpoint of [spec.token.endpoint, ...Object.values(spec.endpoints)]) {
        expect(["GET", "POST"]).toContain(endpoint.method);
        expect(endpoint.path).toMatch(/^\/[\w/{}.-]+$/);
      }
    }
  });
});

/** Each provider's connection, its token endpoint's answer, and the upstream APIs it calls. */
const PROVIDERS = [
  {
    spec: DINGTALK_TRANSPORT,
    config: { provider: "dingtalk", appKey: "dk", appSecret: "raw-dt-secret", userApi: "v2" },
    secretField: "appSecret",
    base: "https://oapi.dingtalk.com",
    grant: { errcode: 0, access_token: "tok", expires_in: 7200 },
    failure: (said: string) => json({ errcode: 99999, errmsg: said }),
    endpoints: {
      getbymobile: "POST /topapi/v2/user/getbymobile",
      "user.get": "POST /topapi/v2/user/get",
      "user.list": "POST /topapi/v2/user/list",
      "department.get": "POST /topapi/v2/department/get",
      "department.listsub": "POST /topapi/v2/department/listsub",
      "legacy.user.get": "GET /user/get",
    },
  },
  {
    spec: FEISHU_TRANSPORT,
    config: { provider: "feishu", appId: "cli", appSecret: "raw-fs-secret" },
    secretField: "appSecret",
    base: "https://open.feishu.cn",
    grant: { code: 0, tenant_access_token: "tok", expire: 7200 },
    failure: (said: string) => json({ code: 9999999, msg: said }, 400),
    endpoints: {
      batch_get_id: "POST /open-apis/contact/v3/users/batch_get_id",
      "department.get": "GET /open-apis/contact/v3/departments/P1",
      "department.children": "GET /open-apis/contact/v3/departments/P1/children",
      "user.get": "GET /open-apis/contact/v3/users/P2",
      find_by_department: "GET /open-apis/contact/v3/users/find_by_department",
    },
  },
  {
    spec: WECOM_TRANSPORT,
    config: { provider: "wecom", corpId: "ww", corpSecret: "raw-wc-secret" },
    secretField: "corpSecret",
    base: "https://qyapi.weixin.qq.com",
    grant: { errcode: 0, access_token: "tok", expires_in: 7200 },
    failure: (said: string) => json({ errcode: 99999, errmsg: said }),
    endpoints: {
      getuserid: "POST /cgi-bin/user/getuserid",
      get_userid_by_email: "POST /cgi-bin/user/get_userid_by_email",
      "user.get": "GET /cgi-bin/user/get",
      "user.list": "GET /cgi-bin/user/list",
      "department.get": "GET /cgi-bin/department/get",
      "department.simplelist": "GET /cgi-bin/department/simplelist",
    },
  },
  {
    spec: EIAM_TRANSPORT,
    config: {
      provider: "eiam",
      clientId: "cid",
      clientSecret: "raw-ei-secret",
      clientAuth: "basic",
      baseUrl: "https://eiam.example.com",
    },
    secretField: "clientSecret",
    base: "https://eiam.example.com",
    grant: { access_token: "tok", expires_in: 3600 },
    failure: (said: string) => json({ error_code: "X.9", error_msg: said }, 400),
    endpoints: {
      "user-by-mobile": "POST /api/v2/tenant/users/user-by-mobile",
      "user-by-email": "POST /api/v2/tenant/users/user-by-email",
      "user.get": "GET /api/v2/tenant/users/P3",
      users: "GET /api/v2/tenant/users",
      "organization.get": "GET /api/v2/tenant/organizations/P4",
      organizations: "GET /api/v2/tenant/organizations",
    },
  },
] as const;

const PARAMS = { department_id: "P1", user_id: "P2" };

describe.each(PROVIDERS)("$spec.displayName transport", (p) => {
  const spec = p.spec as unknown as TransportSpec<unknown, string>;
  const isToken = (request: SendRequest) =>
    path(request.url) === path(`${p.base}${spec.token.endpoint.path}`);

  it("calls each upstream API with its method and path", async () => {
    const { sent, deps } = wire((request) =>
      isToken(request) ? json(p.grant) : json({ errcode: 0, code: 0 }),
    );
    const api = createTransport(spec, p.config as never, deps);
    for (const [endpoint, expected] of Object.entries(p.endpoints)) {
      const params = p.spec === EIAM_TRANSPORT ? { user_id: "P3", org_id: "P4" } : PARAMS;
      const body = expected.startsWith("POST") ? { a: 1 } : undefined;
      await api.call(endpoint, { params, body });
      const last = sent.at(-1) as SendRequest;
      expect(`${last.method} ${path(last.url)}`, endpoint).toBe(expected);
      expect(last.url.startsWith(`${p.base}/`), last.url).toBe(true);
    }
    // One token for all of them.
    expect(sent.filter(isToken)).toHaveLength(1);
  });

  it("strips the connection's secret and token from what upstream says, even without a key name", async () => {
    const secret = (p.config as Record<string, string>)[p.secretField] as string;
    const { deps } = wire((request) =>
      isToken(request) ? json(p.grant) : p.failure(`echo ${secret} / tok / done`),
    );
    const error = (await createTransport(spec, p.config as never, deps)
      .call(Object.keys(p.endpoints)[0] as string, { params: PARAMS, body: { a: 1 } })
      .catch((e: unknown) => e)) as DirgateError;
    expect(error.upstream?.message).toBe("echo [REDACTED] / tok / done");
  });

  it("gives connections with other credentials a token of their own", async () => {
    let issued = 0;
    const { deps } = wire((request) => {
      if (!isToken(request)) return json({ errcode: 0, code: 0 });
      issued += 1;
      return json(p.grant);
    });
    const endpoint = Object.keys(p.endpoints)[0] as string;
    const call = (config: object) =>
      createTransport(spec, config, deps).call(endpoint, { params: PARAMS, body: { a: 1 } });
    await call(p.config);
    await call({ ...p.config });
    expect(issued).toBe(1);
    await call({ ...p.config, [p.secretField]: "rotated-secret" });
    expect(issued).toBe(2);
    for (const field of ["appKey", "appId", "corpId", "clientId"].filter((f) => f in p.config)) {
      await call({ ...p.config, [field]: "other-id" });
    }
    expect(issued).toBe(3);
  });
});

describe("EIAM client authentication is part of the token's identity", () => {
  it("fetches another token when the same credentials are sent another way", async () => {
    let issued = 0;
    const { deps } = wire((request) => {
      if (!path(request.url).endsWith("/token")) return json({ user_id: "u" });
      issued += 1;
      return json({ access_token: `t${issued}`, expires_in: 3600 });
    });
    const config = { provider: "eiam", clientId: "c", clientSecret: "s", baseUrl: "https://e.example.com" };
    await createTransport(EIAM_TRANSPORT, { ...config, clientAuth: "basic" } as never, deps).call("users");
    await createTransport(EIAM_TRANSPORT, { ...config, clientAuth: "form" } as never, deps).call("users");
    expect(issued).toBe(2);
  });
});
