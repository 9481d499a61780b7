import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createRng } from "./rng.ts";

/** Faults an emulator can inject, each rendered in the provider's own dialect. */
export const FAULT_KINDS = [
  "http500",
  "http502",
  "http503",
  "reset",
  "malformedJson",
  "htmlThrottle",
  "punishDeny",
  "busy",
  "rateLimited",
  "revokeToken",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault rule: fires on the next `count` matching requests, or on each with probability `rate`. */
export interface FaultRule {
  kind: FaultKind;
  /** Fire on the next N matching requests (default 1 when `rate` is absent). */
  count?: number;
  /** Fire on each matching request with this probability (0..1), until cleared. */
  rate?: number;
  /** Only requests whose path starts with this prefix match (default: every non-admin path). */
  path?: string;
}

export interface Knobs {
  /** Lifetime of newly issued tokens, in seconds. */
  tokenTtlSeconds: number;
  /** Per-app, per-API request limit per rolling second (null = unlimited). */
  rateLimitPerSecond: number | null;
  /** Per-app, per-API request limit per rolling minute (null = unlimited). */
  rateLimitPerMinute: number | null;
  /** Delay added before every non-admin answer, in milliseconds. */
  latencyMs: number;
  /** Whether the limits count per app and API (`api`, the default) or per app across its APIs (`app`). */
  rateLimitScope: "api" | "app";
}

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  params: Record<string, string>;
  /** Stable id of this request, echoed in the provider's request-id field or header. */
  requestId: string;
  /** The caller's address as the socket saw it (WeCom's trusted-IP check and `from ip:`). */
  remoteAddress?: string;
}

/** A request as the emulator received it, before any parsing. */
export interface RecordedRequest {
  method: string;
  rawUrl: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body: unknown;
}

/** Who is calling: resolved from the request's credentials before the handler runs. */
export interface Caller {
  app: string;
}

export interface RouteContext {
  caller: Caller;
  knobs: Knobs;
  /** Adds one to a named counter (for emulators whose operations share one path). */
  count(name: string): void;
}

export interface Route {
  method: string;
  /** Path pattern with `:name` segments. */
  pattern: string;
  /** Counter name; defaults to `METHOD pattern`. */
  name?: string;
  /** Needs a valid token; the dialect's authenticate() resolves the caller. Rate limits apply. */
  auth: boolean;
  handle(req: EmulatorRequest, ctx: RouteContext): Reply | Promise<Reply>;
}

/** How one provider speaks: its authentication and its error envelopes. */
export interface Dialect {
  /** Resolves the caller from the request, or returns the provider's auth error reply. */
  authenticate(req: EmulatorRequest): Caller | Reply;
  /** The provider's reply to an injected fault (`reset` and `revokeToken` never reach here). */
  fault(kind: Exclude<FaultKind, "reset" | "revokeToken">, req: EmulatorRequest, knobs: Knobs): Reply;
  /** The provider's reply when an app exceeds the rate limit. */
  rateLimited(req: EmulatorRequest, retryAfterSeconds: number): Reply;
  /** The provider's reply to an unknown path. */
  notFound(req: EmulatorRequest): Reply;
  /** Invalidates every token issued so far (revokeToken fault, admin call). */
  revokeTokens(): void;
  /** Clears per-run state (tokens) on reset. */
  reset(): void;
}

export interface EmulatorOptions {
  name: string;
  routes: Route[];
  dialect: Dialect;
  knobs?: Partial<Knobs>;
  /** Seed for the fault-rate dice, so that a run is reproducible. */
  seed?: number;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  keys: string[];
}

interface ActiveFault extends FaultRule {
  remaining: number | null;
}

const DEFAULT_KNOBS: Knobs = {
  tokenTtlSeconds: 7200,
  rateLimitPerSecond: null,
  rateLimitPerMinute: null,
  latencyMs: 0,
  rateLimitScope: "api",
};

const ADMIN_PREFIX = "/__admin";

/**
 * A provider emulator: a plain HTTP server on 127.0.0.1 with routes, knobs, fault injection,
 * per-endpoint counters and per-app rate limits, plus an admin API under `/__admin`.
 */
export class Emulator {
  readonly name: string;
  readonly knobs: Knobs;
  private readonly defaults: Knobs;
  private readonly routes: CompiledRoute[];
  private readonly dialect: Dialect;
  private readonly counters = new Map<string, number>();
  private readonly seen = new Map<string, { first: number; last: number }>();
  private recording: RecordedRequest[] | undefined;
  private faults: ActiveFault[] = [];
  private readonly hits = new Map<string, number[]>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private rng: () => number;
  private readonly seed: number;
  private sequence = 0;
  private port = 0;

  constructor(options: EmulatorOptions) {
    this.name = options.name;
    this.defaults = { ...DEFAULT_KNOBS, ...options.knobs };
    this.knobs = { ...this.defaults };
    this.dialect = options.dialect;
    this.seed = options.seed ?? 1;
    this.rng = createRng(this.seed);
    this.routes = options.routes.map(compileRoute);
  }

  /** The base URL, e.g. `http://127.0.0.1:43121`. */
  get baseUrl(): string {
    if (!this.server) throw new Error(`${this.name} emulator is not started`);
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening on 127.0.0.1 (port 0 = a free port). */
  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const rawBody = Buffer.concat(chunks).toString("utf8");
        this.dispatch(req.method ?? "GET", req.url ?? "/", req.headers, rawBody, res).catch((error) => {
          if (!res.headersSent) {
            send(res, { status: 500, body: { message: `emulator error: ${String(error)}` } });
          }
        });
      });
    });
    server.keepAliveTimeout = 5_000;
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops the server and closes every open connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Changes knobs; unspecified ones keep their value. */
  setKnobs(changes: Partial<Knobs>): Knobs {
    for (const [key, value] of Object.entries(changes)) {
      if (key in this.knobs && value !== undefined)
        (this.knobs as unknown as Record<string, unknown>)[key] = value;
    }
    return { ...this.knobs };
  }

  /** Adds a fault rule. */
  addFault(rule: FaultRule): void {
    if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`unknown fault kind: ${String(rule.kind)}`);
    const remaining = rule.rate !== undefined ? (rule.count ?? null) : (rule.count ?? 1);
    this.faults.push({ ...rule, remaining });
  }

  /** Removes every fault rule. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Invalidates every token issued so far. */
  revokeTokens(): void {
    this.dialect.revokeTokens();
  }

  /** Requests seen per counter name (route name, `rateLimited`, `fault:<kind>`, `notFound`). */
  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  /** A snapshot of every counter. */
  countersSnapshot(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  /** Back to the start: default knobs, no faults, zero counters, no tokens. */
  reset(): void {
    Object.assign(this.knobs, this.defaults);
    this.faults = [];
    this.counters.clear();
    this.seen.clear();
    this.hits.clear();
    this.rng = createRng(this.seed);
    this.dialect.reset();
  }

  private count(name: string): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + 1);
    const now = performance.now();
    const seen = this.seen.get(name);
    if (seen) seen.last = now;
    else this.seen.set(name, { first: now, last: now });
  }

  /** Starts keeping every non-admin request as received (raw URL, headers, body). */
  startRecording(): void {
    this.recording = [];
  }

  /** Stops recording and returns what was received. */
  stopRecording(): RecordedRequest[] {
    const out = this.recording ?? [];
    this.recording = undefined;
    return out;
  }

  /** When a counter was first and last incremented (performance.now() ms), for rates. */
  span(name: string): { first: number; last: number } | undefined {
    return this.seen.get(name);
  }

  private async dispatch(
    method: string,
    rawUrl: string,
    headers: IncomingHttpHeaders,
    rawBody: string,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(rawUrl, "http://127.0.0.1");
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      send(res, this.admin(method, url.pathname.slice(ADMIN_PREFIX.length), rawBody));
      return;
    }
    this.recording?.push({ method, rawUrl, headers, rawBody });
    this.sequence += 1;
    const requestId = `${this.name.slice(0, 2)}${Date.now().toString(36)}${this.sequence.toString(36)}`;
    const req: EmulatorRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      rawBody,
      params: {},
      requestId,
      remoteAddress: res.socket?.remoteAddress,
    };
    const route = this.match(method, url.pathname, req);
    this.count(route ? (route.name ?? `${route.method} ${route.pattern}`) : "notFound");
    if (this.knobs.latencyMs > 0) await sleep(this.knobs.latencyMs);

    const fault = this.nextFault(url.pathname);
    if (fault === "reset") {
      res.socket?.destroy();
      return;
    }
    if (fault === "revokeToken") this.dialect.revokeTokens();
    else if (fault) {
      send(res, this.dialect.fault(fault, req, this.knobs));
      return;
    }
    if (!route) {
      send(res, this.dialect.notFound(req));
      return;
    }
    let caller: Caller = { app: "anonymous" };
    if (route.auth) {
      const resolved = this.dialect.authenticate(req);
      if (!("app" in resolved)) {
        send(res, resolved);
        return;
      }
      caller = resolved;
      const scope = this.knobs.rateLimitScope === "app" ? "" : ` ${route.name ?? route.pattern}`;
      const retryAfter = this.overLimit(`${caller.app}${scope}`);
      if (retryAfter !== null) {
        this.count("rateLimited");
        send(res, this.dialect.rateLimited(req, retryAfter));
        return;
      }
    }
    send(res, await route.handle(req, { caller, knobs: this.knobs, count: (name) => this.count(name) }));
  }

  private match(method: string, path: string, req: EmulatorRequest): CompiledRoute | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      route.keys.forEach((key, i) => {
        req.params[key] = decodeURIComponent(found[i + 1] ?? "");
      });
      return route;
    }
    return undefined;
  }

  private nextFault(path: string): FaultKind | undefined {
    for (const fault of this.faults) {
      if (fault.path && !path.startsWith(fault.path)) continue;
      if (fault.remaining !== null && fault.remaining <= 0) continue;
      if (fault.rate !== undefined && this.rng() >= fault.rate) continue;
      if (fault.remaining !== null) fault.remaining -= 1;
      this.faults = this.faults.filter((f) => f.remaining === null || f.remaining > 0);
      this.count(`fault:${fault.kind}`);
      return fault.kind;
    }
    return undefined;
  }

  /** Rolling-window limiter: returns seconds to wait when over the limit, else null (and records the hit). */
  private overLimit(key: string): number | null {
    const { rateLimitPerSecond: perSecond, rateLimitPerMinute: perMinute } = this.knobs;
    if (perSecond === null && perMinute === null) return null;
    const now = Date.now();
    const window = (this.hits.get(key) ?? []).filter((t) => now - t < 60_000);
    this.hits.set(key, window);
    if (perSecond !== null) {
      const lastSecond = window.filter((t) => now - t < 1_000);
      if (lastSecond.length >= perSecond)
        return Math.max(1, Math.ceil((1_000 - (now - lastSecond[0]!)) / 1_000));
    }
    if (perMinute !== null && window.length >= perMinute) {
      return Math.max(1, Math.ceil((60_000 - (now - window[0]!)) / 1_000));
    }
    window.push(now);
    return null;
  }

  private admin(method: string, path: string, rawBody: string): Reply {
    let body: Record<string, unknown> = {};
    try {
      body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : {};
    } catch {
      return { status: 400, body: { error: "body must be JSON" } };
    }
    const key = `${method} ${path}`;
    switch (key) {
      case "GET /state":
        return {
          status: 200,
          body: { knobs: this.knobs, faults: this.faults, counters: this.countersSnapshot() },
        };
      case "GET /counters":
        return { status: 200, body: this.countersSnapshot() };
      case "POST /knobs":
        return { status: 200, body: this.setKnobs(body as Partial<Knobs>) };
      case "POST /faults":
        try {
          this.addFault(body as unknown as FaultRule);
        } catch (error) {
          return { status: 400, body: { error: (error as Error).message } };
        }
        return { status: 200, body: { faults: this.faults } };
      case "DELETE /faults":
        this.clearFaults();
        return { status: 200, body: { faults: [] } };
      case "POST /revoke-tokens":
        this.revokeTokens();
        return { status: 200, body: { revoked: true } };
      case "POST /reset":
        this.reset();
        return { status: 200, body: { reset: true } };
      default:
        return { status: 404, body: { error: `no admin endpoint ${key}` } };
    }
  }
}

function compileRoute(route: Route): CompiledRoute {
  const keys: string[] = [];
  const source = route.pattern
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      keys.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { ...route, regex: new RegExp(`^${source}$`), keys };
}

function send(res: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === "string";
  const payload = isText ? (reply.body as string) : JSON.stringify(reply.body);
  const headers: Record<string, string> = {
    "content-type": isText ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
    ...reply.headers,
  };
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Parses a JSON body, or returns undefined when it is not JSON. */
export function parseJsonBody(req: EmulatorRequest): Record<string, unknown> | undefined {
  if (!req.rawBody) return undefined;
  try {
    const value: unknown = JSON.parse(req.rawBody);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a JSON or form-urlencoded body into string-keyed values (DingTalk topapi accepts both). */
export function parseAnyBody(req: EmulatorRequest): Record<string, unknown> | undefined {
  const type = String(req.headers["content-type"] ?? "");
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(req.rawBody));
  }
  return parseJsonBody(req);
}
