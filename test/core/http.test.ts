import {
  callUpstream,
  DEFAULT_HTTP_DEPS,
  DirgateError,
  type HttpDeps,
  type SendResponse,
  type UpstreamResponse,
} from "@dirgate/core";
import { describe, expect, it } from "vitest";

/** An answer as the transport hands it over (`send`'s contract): status, headers, the body read. */
function answer(status: number, text = "", headers: Record<string, string> = {}): SendResponse {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, text, headers: { get: (name) => lower[name.toLowerCase()] ?? null } };
}

/** A fake clock whose sleeps advance time instantly. */
function fakeDeps(
  answers: (() => SendResponse | Promise<SendResponse>)[],
  overrides: Partial<HttpDeps> = {},
) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const urls: string[] = [];
  const deps: HttpDeps = {
    ...DEFAULT_HTTP_DEPS,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
    send: async (request) => {
      urls.push(request.url);
      const next = answers.shift();
      if (!next) throw new Error("no more answers");
      return next();
    },
    ...overrides,
  };
  return { deps, sleeps, urls, advance: (ms: number) => (now += ms), clock: () => now };
}

const transient =
  (status = 503) =>
  () =>
    answer(status, "busy");
const ok = () => answer(200, '{"ok":true}');
function interpret(response: UpstreamResponse) {
  if (response.status === 429) {
    throw new DirgateError("UPSTREAM_RATE_LIMITED", "slow down", { retryable: true, retryAfterMs: 1_500 });
  }
  if (response.status >= 500) throw new DirgateError("UPSTREAM_UNAVAILABLE", "5xx", { retryable: true });
  if (response.status === 404) throw new DirgateError("USER_NOT_FOUND", "nope");
  return JSON.parse(response.text) as { ok: boolean };
}
const request = {
  name: "test.call",
  method: "GET" as const,
  url: "http://127.0.0.1:1/x?access_token=tok-123",
};

describe("callUpstream", () => {
  it("retries transient failures and returns the first success", async () => {
    const { deps, sleeps } = fakeDeps([transient(), transient(502), ok]);
    await expect(callUpstream(request, interpret, deps)).resolves.toEqual({ ok: true });
    expect(sleeps).toHaveLength(2);
    // Full jitter: random 0.5 of min(max, base·2^(n-1)).
    expect(sleeps).toEqual([100, 200]);
  });

  it("makes at most 3 attempts", async () => {
    const { deps, urls } = fakeDeps([transient(), transient(), transient(), ok]);
    await expect(callUpstream(request, interpret, deps)).rejects.toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
    });
    expect(urls).toHaveLength(3);
  });

  it("does not retry permanent failures", async () => {
    const { deps, urls } = fakeDeps([() => answer(404), ok]);
    await expect(callUpstream(request, interpret, deps)).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
    expect(urls).toHaveLength(1);
  });

  it("waits at least what upstream asked for", async () => {
    const { deps, sleeps } = fakeDeps([() => answer(429), ok]);
    await callUpstream(request, interpret, deps);
    expect(sleeps[0]).toBe(1_500);
  });

  it("never sleeps past the deadline: it gives up with the last error instead", async () => {
    const { deps, sleeps, clock } = fakeDeps([() => answer(429), ok]);
    const error = await callUpstream(request, interpret, deps, { deadline: clock() + 1_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "UPSTREAM_RATE_LIMITED" });
    expect(sleeps).toEqual([]);
  });

  it("refuses to start an attempt with no time left", async () => {
    const { deps, urls, clock } = fakeDeps([ok]);
    await expect(callUpstream(request, interpret, deps, { deadline: clock() + 5 })).rejects.toMatchObject({
      code: "UPSTREAM_TIMEOUT",
    });
    expect(urls).toHaveLength(0);
  });

  it("times an attempt out and retries it", async () => {
    let calls = 0;
    const deps: HttpDeps = {
      ...DEFAULT_HTTP_DEPS,
      timeoutMs: 30,
      sleep: async () => {},
      send: (request) => {
        calls += 1;
        if (calls < 3) {
          return new Promise((_, reject) =>
            request.signal?.addEventListener("abort", () => reject(request.signal?.reason)),
          );
        }
        return Promise.resolve(ok());
      },
    };
    await expect(callUpstream(request, interpret, deps)).resolves.toEqual({ ok: true });
    expect(calls).toBe(3);
  });

  it("reports a network failure as UPSTREAM_UNAVAILABLE without the URL's token", async () => {
    const { deps } = fakeDeps([
      () => {
        throw new TypeError("fetch failed for http://127.0.0.1:1/x?access_token=tok-123", {
          cause: { code: "ECONNREFUSED" },
        });
      },
      () => {
        throw new TypeError("fetch failed", {
          cause: { message: "connect to ?access_token=tok-123 refused" },
        });
      },
      () => {
        throw new TypeError("fetch failed", { cause: { message: "socket hang up access_token=tok-123" } });
      },
    ]);
    const error = (await callUpstream({ ...request, secrets: ["tok-123"] }, interpret, deps).catch(
      (e: unknown) => e,
    )) as DirgateError;
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(JSON.stringify(error)).not.toContain("tok-123");
    expect(error.message).not.toContain("tok-123");
    expect(String(error.stack)).not.toContain("tok-123");
  });

  it("reads a Node network error by its code, and keeps the URL's token out of it too", async () => {
    const nodeError = (code: string, message: string) => () => {
      throw Object.assign(new Error(message), { code });
    };
    const { deps, urls } = fakeDeps([
      nodeError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1 (GET /x?access_token=tok-123)"),
      nodeError("ECONNRESET", "socket hang up access_token=tok-123"),
      nodeError("ENOTFOUND", "getaddrinfo ENOTFOUND tok-123.example"),
    ]);
    const error = (await callUpstream({ ...request, secrets: ["tok-123"] }, interpret, deps).catch(
      (e: unknown) => e,
    )) as DirgateError;
    expect(urls).toHaveLength(3); // network errors are retried
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("test.call: ENOTFOUND");
    expect(JSON.stringify(error)).not.toContain("tok-123");
    expect(String(error.stack)).not.toContain("tok-123");
  });

  it("hands the transport the request and a signal that aborts when the attempt's time is up", async () => {
    const seen: { method: string; url: string; headers?: Record<string, string>; body?: string }[] = [];
    let signal: AbortSignal | undefined;
    const deps: HttpDeps = {
      ...DEFAULT_HTTP_DEPS,
      timeoutMs: 40,
      maxAttempts: 1,
      send: (sent) => {
        seen.push({ method: sent.method, url: sent.url, headers: sent.headers, body: sent.body });
        signal = sent.signal;
        return new Promise((_, reject) =>
          sent.signal?.addEventListener("abort", () => reject(sent.signal?.reason)),
        );
      },
    };
    const started = Date.now();
    const error = (await callUpstream(
      { ...request, method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' },
      interpret,
      deps,
    ).catch((e: unknown) => e)) as DirgateError;
    expect(error.code).toBe("UPSTREAM_TIMEOUT");
    expect(error.message).toBe("test.call: no answer within 40 ms");
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(signal?.aborted).toBe(true);
    expect(seen).toEqual([
      { method: "POST", url: request.url, headers: { "content-type": "application/json" }, body: '{"a":1}' },
    ]);
  });

  it("strips credentials from what upstream said, not only from network errors", async () => {
    const { deps } = fakeDeps([() => answer(400)]);
    const echoing = () => {
      throw new DirgateError("UPSTREAM_ERROR", "upstream said: bad request GET /x?access_token=tok-123", {
        upstream: { code: "400", message: "invalid call to /x?access_token=tok-123&appsecret=sec-456" },
      });
    };
    const error = (await callUpstream({ ...request, secrets: ["tok-123", "sec-456"] }, echoing, deps).catch(
      (e: unknown) => e,
    )) as DirgateError;
    expect(error.code).toBe("UPSTREAM_ERROR");
    expect(JSON.stringify(error)).not.toMatch(/tok-123|sec-456/);
    expect(error.message).toContain("access_token=[REDACTED]");
    expect(error.upstream?.code).toBe("400");
  });
});
