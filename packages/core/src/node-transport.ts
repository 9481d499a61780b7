import type { Agent as HttpAgent, IncomingMessage } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { createRequire } from "node:module";
import type { Send, SendRequest, SendResponse } from "./http.ts";

// Not `import … from "node:http"`: in ESM, Node 22 builds the builtin's namespace by reading every
// export, and `http.WebSocket`/`MessageEvent`/`CloseEvent` are getters that load undici — the very
// load this transport exists to avoid (~15 ms at import). `getBuiltinModule` (Node ≥ 20.16, 22.3)
// and `require` both return the module object as is; `require` serves Node 20.11–20.15.
const builtin = <T>(name: string): T =>
  (process.getBuiltinModule?.(name) as T | undefined) ?? (createRequire(import.meta.url)(name) as T);
const http = builtin<typeof import("node:http")>("node:http");
const https = builtin<typeof import("node:https")>("node:https");
const zlib = builtin<typeof import("node:zlib")>("node:zlib");

/**
 * dirgate's one upstream transport: `node:http`/`node:https` with keep-alive agents, instead of the
 * global `fetch`. Why: Node loads its `fetch` implementation (undici, and with it `Headers`) on
 * first use, ~15 ms on an idle machine (DEPLOY-NOTES), and a cold Lambda pays that inside its
 * first request. `node:https` is imported here, at init, so the TLS stack a production call needs
 * is loaded before the first request too (the sandbox speaks plain HTTP: the bench would not see it).
 *
 * What it does as `fetch` did: `accept-encoding: gzip, deflate, br` unless the caller sets one, the
 * body decompressed as undici does (a truncated stream yields what arrived, an empty body or an
 * unknown coding is passed through) and decoded as UTF-8 (a leading BOM dropped), `content-length`
 * set, the request and the body read both bounded by `signal`. What it does not: follow redirects
 * (a 3xx is an answer like any other: an upstream API that redirects is misconfigured, and a
 * redirect would carry the URL's token elsewhere). What it adds: a `user-agent` (`dirgate`; some
 * gateways refuse requests without one) and a bound on the body, compressed and decompressed
 * (`maxBodyBytes`): an oversized or gzip-bomb answer is an error, not an out-of-memory Lambda.
 *
 * Errors: an abort rejects with `signal.reason` (callUpstream reads a timeout from the aborted
 * signal); anything else rejects with Node's own error, whose `code` (`ECONNREFUSED`,
 * `ECONNRESET`, `ENOTFOUND`) names the failure.
 */
export interface NodeTransportOptions {
  /**
   * An idle keep-alive socket is closed after this long (default 4 s, undici's default; shorter
   * when the server's `Keep-Alive: timeout=` says so). Servers drop idle connections too, and a
   * request sent on a socket the server has just closed fails (retried as a network error).
   */
  idleSocketMs?: number;
  /** Idle sockets kept per origin (default 16). */
  maxFreeSockets?: number;
  /** Sockets per origin at most (default: unbounded, as `fetch`'s pool). */
  maxSockets?: number;
  /** The largest body read or decompressed (default 16 MiB); beyond it: `ERR_BODY_TOO_LARGE`. */
  maxBodyBytes?: number;
  /** The clock idle sockets are aged by (tests). */
  now?: () => number;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const tooLarge = (limit: number) =>
  Object.assign(new Error(`answer body over ${limit} bytes`), { code: "ERR_BODY_TOO_LARGE" });

export function createNodeTransport(options: NodeTransportOptions = {}): Send {
  const agentOptions = {
    keepAlive: true,
    // The agent sets this on its idle sockets (and destroys them when it fires); on a socket in use
    // it only emits 'timeout', which nothing here listens to: the attempt's signal bounds a request.
    timeout: options.idleSocketMs ?? 4_000,
    maxFreeSockets: options.maxFreeSockets ?? 16,
    ...(options.maxSockets ? { maxSockets: options.maxSockets } : {}),
    scheduling: "lifo" as const,
  };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const idleMs = agentOptions.timeout;
  const now = options.now ?? Date.now;
  const freedAt = new WeakMap<object, number>();
  for (const agent of [agents.http, agents.https]) agent.on("free", (socket) => freedAt.set(socket, now()));
  return (request) => {
    const closing = [agents.http, agents.https].flatMap((agent) => dropStale(agent, freedAt, now(), idleMs));
    if (closing.length === 0) return send(request, agents, maxBodyBytes);
    return Promise.all(closing).then(() => send(request, agents, maxBodyBytes));
  };
}

type FreeSocket = { destroy(): void; once(event: "close", listener: () => void): unknown };

/**
 * Destroys the free sockets idle for `idleMs` or longer, before a request can be given one; the
 * request waits for their `close` (a tick), by which the agent has taken them out of its pool. The
 * agent's own idle timer does this too, but no timer runs while Lambda has the process frozen:
 * after a thaw the first request may be handed a socket idle for minutes — one the server closed (a
 * quick ECONNRESET, retried) or one a NAT gateway dropped without a word (the attempt then hangs
 * until its timeout).
 */
function dropStale(agent: HttpAgent, freedAt: WeakMap<object, number>, at: number, idleMs: number) {
  const closing: Promise<void>[] = [];
  for (const sockets of Object.values(agent.freeSockets as Record<string, FreeSocket[] | undefined>)) {
    for (const socket of sockets ?? []) {
      if (at - (freedAt.get(socket) ?? at) < idleMs) continue;
      closing.push(new Promise<void>((resolve) => socket.once("close", resolve)));
      socket.destroy();
    }
  }
  return closing;
}

function send(
  request: SendRequest,
  agents: { http: HttpAgent; https: HttpsAgent },
  maxBodyBytes: number,
): Promise<SendResponse> {
  return new Promise<SendResponse>((resolve, reject) => {
    const { signal } = request;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const url = new URL(request.url);
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:") {
      reject(
        Object.assign(new Error(`unsupported protocol ${url.protocol}`), { code: "ERR_INVALID_PROTOCOL" }),
      );
      return;
    }
    const headers: Record<string, string> = {
      accept: "*/*",
      "accept-encoding": "gzip, deflate, br",
      "user-agent": "dirgate",
    };
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    const body = request.body === undefined ? undefined : Buffer.from(request.body, "utf8");
    if (body) headers["content-length"] = String(body.length);

    let response: IncomingMessage | undefined;
    let settled = false;
    const finish = (error: unknown, value?: SendResponse) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve(value!);
      else reject(error);
    };
    const onAbort = () => {
      const reason = signal?.reason;
      finish(reason); // first: destroying emits the socket's own errors, which lose the race
      req.destroy();
      response?.destroy();
    };
    const req = (secure ? https.request : http.request)(
      url,
      { method: request.method, headers, agent: secure ? agents.https : agents.http },
      (res) => {
        response = res;
        const chunks: Buffer[] = [];
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received <= maxBodyBytes) chunks.push(chunk);
          else {
            finish(tooLarge(maxBodyBytes));
            req.destroy();
            res.destroy();
          }
        });
        res.on("error", (error) => finish(error));
        res.on("close", () => {
          if (!res.complete) finish(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
        });
        res.on("end", () => {
          try {
            const text = decode(Buffer.concat(chunks), res.headers["content-encoding"], maxBodyBytes);
            finish(undefined, { status: res.statusCode ?? 0, headers: responseHeaders(res), text });
          } catch (error) {
            finish(error);
          }
        });
      },
    );
    req.on("error", (error) => finish(error));
    signal?.addEventListener("abort", onAbort, { once: true });
    req.end(body);
  });
}

/**
 * The body as text: decompressed as `content-encoding` says, the way undici does it (sync flush: a
 * truncated stream gives what arrived; an empty body is not decompressed; an unknown coding is left
 * as is, and so are the codings before it), UTF-8, a leading BOM dropped (as `Response.text()`).
 */
function decode(raw: Buffer, encoding: string | undefined, maxBytes: number): string {
  let bytes = raw;
  const codings = (encoding ?? "")
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c && c !== "identity")
    .reverse();
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: maxBytes };
  for (const coding of codings) {
    if (bytes.length === 0) break;
    try {
      if (coding === "gzip" || coding === "x-gzip") bytes = zlib.gunzipSync(bytes, flush);
      else if (coding === "deflate") bytes = inflateDeflate(bytes, flush);
      else if (coding === "br")
        bytes = zlib.brotliDecompressSync(bytes, {
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
          maxOutputLength: maxBytes,
        });
      else break;
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(maxBytes);
      throw error;
    }
  }
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** HTTP "deflate" is zlib-wrapped (RFC 9110), but some servers send it raw. */
function inflateDeflate(bytes: Buffer, options: { finishFlush: number; maxOutputLength: number }): Buffer {
  try {
    return zlib.inflateSync(bytes, options);
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw error;
    return zlib.inflateRawSync(bytes, options);
  }
}

/** `get(name)` over Node's parsed headers: case-insensitive, repeated values joined with ", " (as `Headers`). */
function responseHeaders(res: IncomingMessage): SendResponse["headers"] {
  const all = res.headers;
  return {
    get(name: string): string | null {
      const value = all[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}
