import { DirgateError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { createNodeTransport } from "./node-transport.ts";
import { redact } from "./redact.ts";

/** One HTTP exchange as the transport sees it: the request, bounded by `signal`. */
export interface SendRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborted when the attempt's time is up: the transport rejects (with `signal.reason`) and frees the socket. */
  signal?: AbortSignal;
}

/** A response's headers: `get` is case-insensitive and joins repeated values with ", " (a `Headers` is one). */
export interface UpstreamHeaders {
  get(name: string): string | null;
}

/** The whole answer, body read and decoded. */
export interface SendResponse {
  status: number;
  headers: UpstreamHeaders;
  text: string;
}

/**
 * The transport contract: resolves with any HTTP answer (4xx and 5xx included); rejects when no
 * answer came — after `signal` aborted (a timeout), or with an error whose `code` (or `cause.code`,
 * or message) says why (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`). `createNodeTransport()`
 * (node-transport.ts) is the one dirgate uses.
 */
export type Send = (request: SendRequest) => Promise<SendResponse>;

/**
 * A `Send` over a `fetch` function (tests that answer with `Response`s; a runtime without
 * `node:http`). Not the default: Node's `fetch` loads undici on first use (node-transport.ts).
 */
export function fetchSend(fetchImpl: typeof fetch): Send {
  return async (request) => {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}

/** What the shared request function needs from its surroundings: all injectable for tests. */
export interface HttpDeps {
  send: Send;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Timeout of one attempt, in ms. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Full-jitter backoff: a random delay in [0, min(maxDelayMs, baseDelayMs · 2^(attempt-1))). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest wait upstream may ask for (Retry-After) that is still waited out within a call. */
  maxWaitMs: number;
  log?: Logger;
  /** Waits for a rate-limiter slot before each attempt (per connection; absent = unlimited). */
  acquire?: () => Promise<void>;
}

export const DEFAULT_HTTP_DEPS: HttpDeps = {
  send: createNodeTransport(),
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  timeoutMs: 5_000,
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  maxWaitMs: 30_000,
};

export interface UpstreamRequest {
  /** Short name for logs and errors, e.g. `dingtalk.getbymobile`. */
  name: string;
  method: "GET" | "POST";
  /** The full URL, query already encoded (build it with URL/URLSearchParams). */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Credentials to strip from anything this request throws or logs (tokens, app secrets). */
  secrets?: readonly (string | undefined)[];
}

export type UpstreamResponse = SendResponse;

/** Turns a provider's answer into a value, or throws a DirgateError (retryable or not). */
export type Interpret<T> = (response: UpstreamResponse) => T;

/** Per-call options: the caller's deadline (epoch ms) is never passed. */
export interface CallOptions {
  deadline?: number;
  /** The request id of the call that asked (per-item problems of a many-item operation carry it). */
  requestId?: string;
}

const DEADLINE_FLOOR_MS = 25;

/**
 * The one way dirgate talks upstream: a per-attempt timeout, at most `maxAttempts` attempts with
 * full-jitter backoff for transient failures only (network, timeout, 5xx, 429, busy codes: what
 * `interpret` marks retryable), `Retry-After`-style hints honoured, the caller's deadline never
 * passed, and credentials stripped from every error and log line.
 */
export async function callUpstream<T>(
  request: UpstreamRequest,
  interpret: Interpret<T>,
  deps: HttpDeps,
  options: CallOptions = {},
): Promise<T> {
  const scrub = (text: string) => redact(text, request.secrets ?? []);
  let lastError: DirgateError | undefined;
  for (let attempt = 1; attempt <= deps.maxAttempts; attempt += 1) {
    const remaining =
      options.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - deps.now();
    if (remaining < DEADLINE_FLOOR_MS) {
      throw (
        lastError ??
        new DirgateError("UPSTREAM_TIMEOUT", `${request.name}: no time left before the deadline`, {
          retryable: true,
        })
      );
    }
    try {
      await deps.acquire?.();
      const response = await send(request, Math.min(deps.timeoutMs, remaining), deps, scrub);
      return interpret(response);
    } catch (caught) {
      const error =
        caught instanceof DirgateError
          ? scrubError(caught, scrub)
          : new DirgateError(
              "INTERNAL",
              `${request.name}: ${scrub(String((caught as Error)?.message ?? caught))}`,
              { cause: caught },
            );
      const wait = error.retryAfterMs ?? 0;
      if (!error.retryable || attempt === deps.maxAttempts || wait > deps.maxWaitMs) throw error;
      lastError = error;
      const cap = Math.min(deps.maxDelayMs, deps.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(deps.random() * cap, wait);
      if (options.deadline !== undefined && deps.now() + delay >= options.deadline - DEADLINE_FLOOR_MS)
        throw error;
      deps.log?.warn("upstream call failed, retrying", {
        upstreamCall: request.name,
        attempt,
        code: error.code,
        upstreamCode: error.upstream?.code,
        delayMs: Math.round(delay),
      });
      await deps.sleep(delay);
    }
  }
  throw lastError ?? new DirgateError("INTERNAL", `${request.name}: no attempt made`);
}

/** The same error, with credentials stripped from its message and from what upstream said. */
function scrubError(error: DirgateError, scrub: (text: string) => string): DirgateError {
  const message = scrub(error.message);
  const upstream = error.upstream && {
    ...error.upstream,
    ...(error.upstream.message !== undefined ? { message: scrub(error.upstream.message) } : {}),
  };
  if (message === error.message && upstream?.message === error.upstream?.message) return error;
  return error.withMessage(message, upstream);
}

async function send(
  request: UpstreamRequest,
  timeoutMs: number,
  deps: HttpDeps,
  scrub: (text: string) => string,
): Promise<UpstreamResponse> {
  const signal = AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs)));
  try {
    return await deps.send({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
      signal,
    });
  } catch (error) {
    const timedOut =
      signal.aborted || (error as Error)?.name === "TimeoutError" || (error as Error)?.name === "AbortError";
    if (timedOut) {
      throw new DirgateError(
        "UPSTREAM_TIMEOUT",
        `${request.name}: no answer within ${Math.round(timeoutMs)} ms`,
        { retryable: true },
      );
    }
    // The cause is not kept here: a network error's message and cause can carry the URL (and its token).
    // `fetch` wraps the reason in `cause`; Node's own errors carry a `code`.
    const failure = error as {
      code?: unknown;
      message?: string;
      cause?: { code?: string; message?: string };
    };
    const reason =
      failure?.cause?.code ??
      failure?.cause?.message ??
      (typeof failure?.code === "string" ? failure.code : undefined) ??
      failure?.message ??
      "network error";
    throw new DirgateError("UPSTREAM_UNAVAILABLE", `${request.name}: ${scrub(String(reason))}`, {
      retryable: true,
    });
  }
}

/** Parses a JSON body; a body that is not JSON is a transient upstream failure (truncated, a gateway page). */
export function parseJson(response: UpstreamResponse, name: string): unknown {
  try {
    return JSON.parse(response.text);
  } catch {
    throw new DirgateError(
      "UPSTREAM_UNAVAILABLE",
      `${name}: upstream answered HTTP ${response.status} with a body that is not JSON`,
      {
        retryable: true,
      },
    );
  }
}

/** Seconds from a `Retry-After`-style header, as milliseconds. */
export function retryAfterMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
