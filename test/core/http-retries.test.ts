import {
  callUpstream,
  DEFAULT_HTTP_DEPS,
  DirgateError,
  fetchSend,
  type HttpDeps,
  parseJson,
  retryAfterMs,
  type SendRequest,
  type SendResponse,
} from "@dirgate/core";
import { describe, expect, it } from "vitest";

/**
 * The request function's rules (packages/core/src/http.ts), stated one at a time with a fake clock:
 * which failures are retried and how often, the backoff and its cap, upstream's wait hints, the
 * caller's deadline, the per-attempt timeout, how a failure without an answer is named, and what
 * reaches the log.
 */

function answer(status: number, text = ""): SendResponse {
  return { status, text, headers: new Headers() };
}

const retryable = (extra: { retryAfterMs?: number } = {}) =>
  new DirgateError("UPSTREAM_UNAVAILABLE", "busy", { retryable: true, ...extra });

/** Interprets 2xx as its text, anything else as what `fail` says. */
const interpreting = (fail: (response: SendResponse) => DirgateError) => (response: SendResponse) => {
  if (response.status < 300) return response.text;
  throw fail(response);
};

function harness(replies: ((request: SendRequest) => SendResponse)[], overrides: Partial<HttpDeps> = {}) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const sent: SendRequest[] = [];
  const warnings: Record<string, unknown>[] = [];
  let acquired = 0;
  const deps: HttpDeps = {
    ...DEFAULT_HTTP_DEPS,
    timeoutMs: 5_000,
    maxAttempts: 3,
    baseDelayMs: 200,
    maxDelayMs: 2_000,
    maxWaitMs: 30_000,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
    acquire: async () => {
      acquired += 1;
    },
    log: {
      debug: () => {},
      info: () => {},
      error: () => {},
      warn: (message, ...extra) => warnings.push({ message, ...Object.assign({}, ...extra) }),
    },
    send: async (request) => {
      sent.push(request);
      const reply = replies.shift();
      if (!reply) throw new Error("no more answers");
      return reply(request);
    },
    ...overrides,
  };
  return {
    deps,
    sleeps,
    sent,
    warnings,
    acquired: () => acquired,
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const request = { name: "test.call", method: "GET" as const, url: "http://upstream.test/x" };
const busy = () => answer(503);
const ok = () => answer(200, "fine");
const failBusy = interpreting(() => retryable());

describe("callUpstream: retries", () => {
  it("backs off with full jitter, doubling from the base delay", async () => {
    const h = harness([busy, busy, busy, busy, ok], { maxAttempts: 5, random: () => 0.75 });
    await expect(callUpstream(request, failBusy, h.deps)).resolves.toBe("fine");
    expect(h.sleeps).toEqual([150, 300, 600, 1_200]);
    expect(h.sent).toHaveLength(5);
  });

  it("never waits longer than the cap, however many attempts", async () => {
    const h = harness([busy, busy, busy, busy, busy, ok], {
      maxAttempts: 6,
      random: () => 0.999,
      maxDelayMs: 500,
    });
    await callUpstream(request, failBusy, h.deps);
    expect(h.sleeps.map(Math.round)).toEqual([200, 400, 500, 500, 500]);
  });

  it("gives up after maxAttempts with the last failure", async () => {
    let n = 0;
    const h = harness([busy, busy, busy, ok], { maxAttempts: 3 });
    const error = await callUpstream(
      request,
      interpreting(() => new DirgateError("UPSTREAM_UNAVAILABLE", `busy ${++n}`, { retryable: true })),
      h.deps,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", message: "busy 3" });
    expect(h.sent).toHaveLength(3);
    expect(h.sleeps).toHaveLength(2);
  });

  it("makes exactly one attempt when maxAttempts is 1, and none when it is 0", async () => {
    const once = harness([busy, ok], { maxAttempts: 1 });
    await expect(callUpstream(request, failBusy, once.deps)).rejects.toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
    });
    expect(once.sent).toHaveLength(1);
    expect(once.sleeps).toEqual([]);
    const none = harness([ok], { maxAttempts: 0 });
    await expect(callUpstream(request, failBusy, none.deps)).rejects.toMatchObject({
      code: "INTERNAL",
      message: "test.call: no attempt made",
    });
    expect(none.sent).toHaveLength(0);
  });

  it("does not retry a failure that is not retryable", async () => {
    const h = harness([() => answer(404), ok]);
    await expect(
      callUpstream(
        request,
        interpreting(() => new DirgateError("USER_NOT_FOUND", "no")),
        h.deps,
      ),
    ).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
    expect(h.sent).toHaveLength(1);
  });

  it("waits for a rate-limiter slot before every attempt", async () => {
    const h = harness([busy, busy, ok]);
    await callUpstream(request, failBusy, h.deps);
    expect(h.acquired()).toBe(3);
  });

  it("logs each retry with the call, the attempt, the codes and the delay", async () => {
    const h = harness([busy, () => answer(429), ok]);
    let n = 0;
    await callUpstream(
      request,
      interpreting(() =>
        ++n === 1
          ? retryable()
          : new DirgateError("UPSTREAM_RATE_LIMITED", "slow", {
              retryable: true,
              upstream: { code: "90002" },
              retryAfterMs: 1_234.4,
            }),
      ),
      h.deps,
    );
    expect(h.warnings).toEqual([
      {
        message: "upstream call failed, retrying",
        upstreamCall: "test.call",
        attempt: 1,
        code: "UPSTREAM_UNAVAILABLE",
        upstreamCode: undefined,
        delayMs: 100,
      },
      {
        message: "upstream call failed, retrying",
        upstreamCall: "test.call",
        attempt: 2,
        code: "UPSTREAM_RATE_LIMITED",
        upstreamCode: "90002",
        delayMs: 1_234,
      },
    ]);
  });
});

describe("callUpstream: upstream's wait hints", () => {
  it("waits what upstream asked when that is longer than the backoff, the backoff when it is longer", async () => {
    const long = harness([busy, ok]);
    await callUpstream(
      request,
      interpreting(() => retryable({ retryAfterMs: 1_500 })),
      long.deps,
    );
    expect(long.sleeps).toEqual([1_500]);
    const short = harness([busy, ok], { random: () => 0.9 });
    await callUpstream(
      request,
      interpreting(() => retryable({ retryAfterMs: 10 })),
      short.deps,
    );
    expect(short.sleeps).toEqual([180]);
  });

  it("waits out a hint up to maxWaitMs, and hands a longer one back at once", async () => {
    const fits = harness([busy, ok], { maxWaitMs: 2_000 });
    await expect(
      callUpstream(
        request,
        interpreting(() => retryable({ retryAfterMs: 2_000 })),
        fits.deps,
      ),
    ).resolves.toBe("fine");
    expect(fits.sleeps).toEqual([2_000]);
    const tooLong = harness([busy, ok], { maxWaitMs: 2_000 });
    await expect(
      callUpstream(
        request,
        interpreting(() => retryable({ retryAfterMs: 2_001 })),
        tooLong.deps,
      ),
    ).rejects.toMatchObject({ retryAfterMs: 2_001, retryable: true });
    expect(tooLong.sent).toHaveLength(1);
    expect(tooLong.sleeps).toEqual([]);
  });
});

describe("callUpstream: the caller's deadline", () => {
  it("refuses to start with less than 25 ms left, starts with 25", async () => {
    const tight = harness([ok]);
    await expect(
      callUpstream(request, failBusy, tight.deps, { deadline: tight.clock() + 24 }),
    ).rejects.toMatchObject({
      code: "UPSTREAM_TIMEOUT",
      message: "test.call: no time left before the deadline",
      retryable: true,
    });
    expect(tight.sent).toHaveLength(0);
    const enough = harness([ok]);
    await expect(
      callUpstream(request, failBusy, enough.deps, { deadline: enough.clock() + 25 }),
    ).resolves.toBe("fine");
  });

  it("does not sleep into the last 25 ms before the deadline: the failure is returned instead", async () => {
    // Backoff 100 ms (0.5 × 200): with 126 ms left it fits, with 125 it does not.
    const fits = harness([busy, ok]);
    await expect(callUpstream(request, failBusy, fits.deps, { deadline: fits.clock() + 126 })).resolves.toBe(
      "fine",
    );
    expect(fits.sleeps).toEqual([100]);
    const late = harness([busy, ok]);
    await expect(
      callUpstream(request, failBusy, late.deps, { deadline: late.clock() + 125 }),
    ).rejects.toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
    expect(late.sleeps).toEqual([]);
  });

  it("when the deadline runs out between attempts, throws what went wrong rather than a timeout", async () => {
    const h = harness([busy, ok]);
    h.deps.sleep = async (ms) => {
      h.sleeps.push(ms);
      h.advance(ms + 10_000);
    };
    await expect(
      callUpstream(request, failBusy, h.deps, { deadline: h.clock() + 1_000 }),
    ).rejects.toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      message: "busy",
    });
    expect(h.sent).toHaveLength(1);
  });

  it("bounds each attempt by the time left when that is shorter than the timeout", async () => {
    const h = harness([], {
      maxAttempts: 1,
      timeoutMs: 5_000,
      send: (sent) =>
        new Promise((_, reject) => sent.signal?.addEventListener("abort", () => reject(sent.signal?.reason))),
    });
    await expect(callUpstream(request, failBusy, h.deps, { deadline: h.clock() + 60 })).rejects.toMatchObject(
      {
        code: "UPSTREAM_TIMEOUT",
        message: "test.call: no answer within 60 ms",
        retryable: true,
      },
    );
  });
});

describe("callUpstream: failures without an answer", () => {
  const thrown = async (error: unknown, secrets?: string[]): Promise<DirgateError> => {
    try {
      await callUpstream({ ...request, secrets }, failBusy, {
        ...harness([], { maxAttempts: 1 }).deps,
        send: async () => {
          throw error;
        },
      });
    } catch (caught) {
      return caught as DirgateError;
    }
    throw new Error("expected the call to fail");
  };

  it("names a network failure by the most specific reason it has", async () => {
    const named = async (error: unknown) => (await thrown(error)).message;
    expect(
      await named(Object.assign(new Error("m"), { code: "ECONNRESET", cause: { code: "ECONNREFUSED" } })),
    ).toBe("test.call: ECONNREFUSED");
    expect(
      await named(Object.assign(new Error("m"), { code: "ECONNRESET", cause: { message: "refused" } })),
    ).toBe("test.call: refused");
    expect(await named(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(
      "test.call: ECONNRESET",
    );
    expect(await named(Object.assign(new Error("socket hang up"), { code: 42 }))).toBe(
      "test.call: socket hang up",
    );
    expect(await named({})).toBe("test.call: network error");
    expect(await named(null)).toBe("test.call: network error");
  });

  it("reads an aborted or timed-out transport as a timeout, anything else as unavailable; both retryable", async () => {
    for (const name of ["TimeoutError", "AbortError"]) {
      const error = await thrown(Object.assign(new Error("gone"), { name }));
      expect(error).toMatchObject({ code: "UPSTREAM_TIMEOUT", retryable: true });
      expect(error.message).toBe("test.call: no answer within 5000 ms");
    }
    expect(await thrown(new Error("boom"))).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", retryable: true });
  });

  it("keeps neither the cause nor the secrets of a network failure", async () => {
    const error = await thrown(new Error("connect to http://x/?access_token=tok-77 failed"), ["tok-77"]);
    expect(error.message).toBe("test.call: connect to http://x/?access_token=[REDACTED] failed");
    expect(error.cause).toBeUndefined();
  });

  it("gives the transport a signal that ends the attempt after timeoutMs", async () => {
    const h = harness([], {
      maxAttempts: 1,
      timeoutMs: 30,
      send: (sent) =>
        new Promise((_, reject) => sent.signal?.addEventListener("abort", () => reject(sent.signal?.reason))),
    });
    await expect(callUpstream(request, failBusy, h.deps)).rejects.toMatchObject({
      code: "UPSTREAM_TIMEOUT",
      message: "test.call: no answer within 30 ms",
    });
  });
});

describe("callUpstream: what interpret throws", () => {
  it("a crash while reading an answer is an internal error, scrubbed, not retried, its cause kept", async () => {
    const h = harness([ok, ok]);
    const crash = new TypeError("cannot read x of token sek-1234");
    const error = (await callUpstream(
      { ...request, secrets: ["sek-1234"] },
      () => {
        throw crash;
      },
      h.deps,
    ).catch((e: unknown) => e)) as DirgateError;
    expect(error).toBeInstanceOf(DirgateError);
    expect(error.code).toBe("INTERNAL");
    expect(error.message).toBe("test.call: cannot read x of token [REDACTED]");
    expect(error.cause).toBe(crash);
    expect(h.sent).toHaveLength(1);
    const odd = await callUpstream(
      request,
      () => {
        throw "plain string";
      },
      harness([ok]).deps,
    ).catch((e: unknown) => e as DirgateError);
    expect(odd.message).toBe("test.call: plain string");
    const nothing = await callUpstream(
      request,
      () => {
        throw null;
      },
      harness([ok]).deps,
    ).catch((e: unknown) => e as DirgateError);
    expect(nothing).toBeInstanceOf(DirgateError);
    expect(nothing.message).toBe("test.call: null");
  });

  it("passes a DirgateError with nothing to scrub through as it is", async () => {
    const mine = new DirgateError("USER_NOT_FOUND", "no such user", {
      upstream: { code: "60121", message: "找不到" },
    });
    const error = await callUpstream(
      request,
      () => {
        throw mine;
      },
      harness([ok]).deps,
    ).catch((e: unknown) => e);
    expect(error).toBe(mine);
  });

  it("scrubs the message alone, or upstream's message alone, keeping everything else", async () => {
    const secrets = ["sek-1234"];
    const inMessage = (await callUpstream(
      { ...request, secrets },
      () => {
        throw new DirgateError("UPSTREAM_ERROR", "saw sek-1234", {
          upstream: { code: "1", message: "clean", requestId: "r" },
          retryAfterMs: 5,
        });
      },
      harness([ok]).deps,
    ).catch((e: unknown) => e)) as DirgateError;
    expect(inMessage.message).toBe("saw [REDACTED]");
    expect(inMessage.upstream).toEqual({ code: "1", message: "clean", requestId: "r" });
    expect(inMessage.retryAfterMs).toBe(5);
    const inUpstream = (await callUpstream(
      { ...request, secrets },
      () => {
        throw new DirgateError("UPSTREAM_ERROR", "clean", {
          upstream: { code: "1", message: "saw sek-1234" },
        });
      },
      harness([ok]).deps,
    ).catch((e: unknown) => e)) as DirgateError;
    expect(inUpstream.message).toBe("clean");
    expect(inUpstream.upstream).toEqual({ code: "1", message: "saw [REDACTED]" });
    const noMessage = (await callUpstream(
      { ...request, secrets },
      () => {
        throw new DirgateError("UPSTREAM_ERROR", "sek-1234", { upstream: { code: "1" } });
      },
      harness([ok]).deps,
    ).catch((e: unknown) => e)) as DirgateError;
    expect(noMessage.upstream).toEqual({ code: "1" });
    expect(noMessage.message).toBe("[REDACTED]");
  });

  it("hands the transport the request as given", async () => {
    const h = harness([ok]);
    await callUpstream(
      { ...request, method: "POST", headers: { "x-a": "1" }, body: "b=1" },
      failBusy,
      h.deps,
    );
    expect(h.sent[0]).toMatchObject({
      method: "POST",
      url: request.url,
      headers: { "x-a": "1" },
      body: "b=1",
    });
  });
});

describe("parseJson and retryAfterMs", () => {
  it("parseJson: the body, or a retryable UPSTREAM_UNAVAILABLE naming the call and status", () => {
    expect(parseJson(answer(200, '{"a":[1]}'), "n")).toEqual({ a: [1] });
    const error = (() => {
      try {
        parseJson(answer(502, "<html>"), "dingtalk.x");
      } catch (e) {
        return e as DirgateError;
      }
    })();
    expect(error).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      retryable: true,
      message: "dingtalk.x: upstream answered HTTP 502 with a body that is not JSON",
    });
  });

  it("retryAfterMs: seconds, or an HTTP date from now, never negative; nothing for nothing or garbage", () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("")).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs("0")).toBe(0);
    expect(retryAfterMs("3")).toBe(3_000);
    expect(retryAfterMs("1.5")).toBe(1_500);
    expect(retryAfterMs("-1")).toBe(0);
    expect(retryAfterMs("Infinity")).toBeUndefined();
    expect(retryAfterMs(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    const ahead = retryAfterMs(new Date(Date.now() + 3_600_000).toUTCString()) ?? 0;
    expect(ahead).toBeGreaterThan(3_500_000);
    expect(ahead).toBeLessThanOrEqual(3_600_000);
  });
});

describe("fetchSend", () => {
  it("sends the request through fetch and reads the whole answer", async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const send = fetchSend(async (url, init) => {
      seen.push({ url: String(url), init: init ?? {} });
      return new Response("hello", { status: 418, headers: { "x-h": "v" } });
    });
    const signal = new AbortController().signal;
    const response = await send({
      method: "POST",
      url: "http://x/y",
      headers: { a: "1" },
      body: "b",
      signal,
    });
    expect(seen).toEqual([
      { url: "http://x/y", init: { method: "POST", headers: { a: "1" }, body: "b", signal } },
    ]);
    expect(response.status).toBe(418);
    expect(response.text).toBe("hello");
    expect(response.headers.get("X-H")).toBe("v");
  });
});

describe("DEFAULT_HTTP_DEPS", () => {
  it("are the documented defaults: 5 s per attempt, 3 attempts, 200 ms → 2 s backoff, waits up to 30 s", () => {
    expect(DEFAULT_HTTP_DEPS).toMatchObject({
      timeoutMs: 5_000,
      maxAttempts: 3,
      baseDelayMs: 200,
      maxDelayMs: 2_000,
      maxWaitMs: 30_000,
    });
    const before = Date.now();
    expect(DEFAULT_HTTP_DEPS.now()).toBeGreaterThanOrEqual(before);
    const r = DEFAULT_HTTP_DEPS.random();
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBeLessThan(1);
  });
});
