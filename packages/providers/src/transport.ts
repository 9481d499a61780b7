import { createHash } from "node:crypto";
import {
  type CallOptions,
  callUpstream,
  DirgateError,
  type ErrorCode,
  type Provider,
  type TokenCache,
  type TokenGrant,
  type UpstreamResponse,
} from "@dirgate/core";
import type { ClientDeps } from "./types.ts";

/**
 * The one provider transport: token fetch and caching, the provider's envelope read (HTTP status
 * *and* body code), its code → dirgate error table, retries and redaction. Each provider supplies
 * only data (a TransportSpec); this file is the only place that turns answers into errors.
 */

/** What one upstream code means. `message` may use `{call}` (the call's name) and `{code}`. */
export interface ErrorRule {
  code: ErrorCode;
  message: string;
  retryable?: boolean;
  /** Upstream rejected the token itself: drop it and fetch a new one once. */
  tokenRejected?: boolean;
  /** How long to wait when upstream gave no hint of its own. */
  retryAfterMs?: number;
}

/** One upstream endpoint, as data. */
export interface Endpoint {
  method: "GET" | "POST";
  /** Path template: `{name}` segments are filled with URL-encoded request params. */
  path: string;
  /** Body encoding (default JSON). */
  body?: "json" | "form";
  /** What some codes mean for this endpoint only (e.g. Feishu 40004 → DEPARTMENT_NOT_FOUND). */
  codes?: Readonly<Record<string, ErrorRule>>;
  /** What any other client error (4xx) of this endpoint means (e.g. a token endpoint: bad credentials). */
  fallback?: ErrorRule;
}

/**
 * A provider's answer, read: a success body, or an error with the provider's own code. `pseudo`
 * marks codes the transport made up for answers without one (an HTML page, a 5xx): they select a
 * rule but are not reported as what upstream said.
 */
export type Envelope =
  | { ok: true; body: Record<string, unknown> }
  | {
      ok: false;
      /** The code the rules are looked up by. */
      code: string;
      /** The code as reported to the caller in `upstream.code`, when it differs (DingTalk `88/40014`). */
      reported?: string;
      pseudo?: boolean;
      message?: string;
      requestId?: string;
      retryAfterMs?: number;
    };

/** Everything that differs between providers' transports. */
export interface TransportSpec<C, E extends string = string> {
  provider: Provider;
  displayName: string;
  /** The API host when the connection sets no `baseUrl`. */
  defaultBaseUrl?: string;
  token: {
    endpoint: Endpoint;
    /** The token request's query, body fields and headers. */
    request(config: C): {
      query?: Record<string, string>;
      body?: Record<string, unknown>;
      headers?: Record<string, string>;
    };
    /** The grant in a successful token answer (undefined: the answer has none). */
    read(body: Record<string, unknown>): TokenGrant | undefined;
    /** Values to strip from anything a call throws or logs. */
    secrets(config: C): (string | undefined)[];
    /** The credentials that identify a token (hashed into its cache key, never stored). */
    identity(config: C): string;
  };
  /** Where the access token goes on every call. */
  auth: { in: "query"; name: string } | { in: "bearer" };
  /** Reads the provider's envelope. */
  read(response: UpstreamResponse): Envelope;
  /** Provider-wide code table. */
  codes: Readonly<Record<string, ErrorRule>>;
  /** Code families (e.g. DingTalk 900xx). */
  patterns?: readonly (readonly [RegExp, ErrorRule])[];
  /** Rules by HTTP status (`"429"`, `"401"`, …, `"5xx"`) for answers no code explains. */
  statuses: Readonly<Record<string, ErrorRule>>;
  /** What any other code means (default: UPSTREAM_ERROR, the code kept in `upstream.code`). */
  unrecognised?: ErrorRule;
  endpoints: Readonly<Record<E, Endpoint>>;
}

export interface TransportRequest {
  params?: Record<string, string>;
  /** A list is the same parameter once per value (`?user_ids=a&user_ids=b`). */
  query?: Record<string, string | readonly string[] | undefined>;
  body?: Record<string, unknown>;
}

/** A provider app's transport, bound to one connection. */
export interface Transport<E extends string = string> {
  call(endpoint: E, request?: TransportRequest, options?: CallOptions): Promise<Record<string, unknown>>;
}

/** An error rule (the tables read better as one line per code). */
export function rule(code: ErrorCode, message: string, extra: Partial<ErrorRule> = {}): ErrorRule {
  return { code, message, ...extra };
}

/** Reads a token grant from the fields a provider names (`access_token` + `expires_in`, …). */
export function tokenFields(
  token: string,
  expiresIn: string,
): (body: Record<string, unknown>) => TokenGrant | undefined {
  return (body) => {
    const value = body[token];
    const seconds = body[expiresIn];
    return typeof value === "string" && value.length > 0 && typeof seconds === "number" && seconds > 0
      ? { token: value, expiresInSeconds: seconds }
      : undefined;
  };
}

const UNRECOGNISED: ErrorRule = { code: "UPSTREAM_ERROR", message: "{call}: upstream answered {code}" };

/** Turns a provider's answer into its body, or throws the DirgateError it stands for. */
export function interpret<C, E extends string>(
  spec: TransportSpec<C, E>,
  endpoint: Endpoint,
  call: string,
  response: UpstreamResponse,
): Record<string, unknown> {
  const envelope = spec.read(response);
  if (envelope.ok) return envelope.body;
  const { code } = envelope;
  const status = response.status;
  const byStatus = spec.statuses[String(status)] ?? (status >= 500 ? spec.statuses["5xx"] : undefined);
  const rule =
    endpoint.codes?.[code] ??
    spec.codes[code] ??
    spec.patterns?.find(([pattern]) => pattern.test(code))?.[1] ??
    (status >= 500 || status === 429 ? byStatus : undefined) ??
    (status >= 400 ? endpoint.fallback : undefined) ??
    byStatus ??
    spec.unrecognised ??
    UNRECOGNISED;
  const upstream = envelope.pseudo
    ? undefined
    : compactInfo({
        code: envelope.reported ?? code,
        message: envelope.message,
        requestId: envelope.requestId,
      });
  return throwRule(rule, call, envelope.reported ?? code, upstream, envelope.retryAfterMs);
}

function throwRule(
  rule: ErrorRule,
  call: string,
  code: string,
  upstream: { code?: string; message?: string; requestId?: string } | undefined,
  retryAfterMs: number | undefined,
): never {
  const message = rule.message.replace("{call}", call).replace("{code}", code);
  throw new DirgateError(rule.code, message, {
    upstream,
    retryable: rule.retryable ?? false,
    tokenRejected: rule.tokenRejected ?? false,
    retryAfterMs: retryAfterMs ?? rule.retryAfterMs,
  });
}

function compactInfo(info: { code?: string; message?: string; requestId?: string }) {
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined)) as typeof info;
}

/** Fills a path template; each value is URL-encoded (no way to another endpoint or parameter). */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`path parameter ${key} is missing`);
    return encodeURIComponent(value);
  });
}

/** Creates the transport of one connection: its base URL, its token (cached per credentials), its calls. */
export function createTransport<C extends { baseUrl?: string }, E extends string>(
  spec: TransportSpec<C, E>,
  config: C,
  deps: ClientDeps,
): Transport<E> {
  const base = (config.baseUrl ?? spec.defaultBaseUrl ?? "").replace(/\/+$/, "");
  // Keyed by a hash of the credentials: a token is never served to a connection holding other ones.
  const tokenKey = `${spec.provider}:${createHash("sha256")
    .update(`${base}\n${spec.token.identity(config)}`)
    .digest("base64url")}`;
  const secrets = spec.token.secrets(config);

  /** One call: the token (if any) in the query or an Authorization header, `extra` headers added. */
  const send = (
    name: string,
    endpoint: Endpoint,
    request: TransportRequest,
    options: CallOptions | undefined,
    token?: string,
    extra: Record<string, string> = {},
  ) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {}))
      for (const one of value === undefined ? [] : typeof value === "string" ? [value] : value)
        query.append(key, one);
    // DingTalk and WeCom take the token in the URL: every error and log line is scrubbed of it.
    if (token !== undefined && spec.auth.in === "query") query.set(spec.auth.name, token);
    const form = endpoint.body === "form";
    const headers: Record<string, string> = {};
    if (request.body) {
      headers["content-type"] = form
        ? "application/x-www-form-urlencoded"
        : "application/json; charset=utf-8";
    }
    if (token !== undefined && spec.auth.in === "bearer") headers["authorization"] = `Bearer ${token}`;
    let body: string | undefined;
    if (request.body) {
      body = form
        ? new URLSearchParams(request.body as Record<string, string>).toString()
        : JSON.stringify(request.body);
    }
    return callUpstream(
      {
        name,
        method: endpoint.method,
        url: `${base}${fillPath(endpoint.path, request.params)}${query.size > 0 ? `?${query}` : ""}`,
        headers: { ...headers, ...extra },
        body,
        secrets: [...secrets, token, ...Object.values(extra)],
      },
      (response) => interpret(spec, endpoint, name, response),
      deps.http,
      options,
    );
  };

  const grant = (options?: CallOptions) => async (): Promise<TokenGrant> => {
    const name = `${spec.provider}.token`;
    const { headers, ...request } = spec.token.request(config);
    const body = await send(name, spec.token.endpoint, request, options, undefined, headers);
    const granted = spec.token.read(body);
    if (!granted) throw new DirgateError("UPSTREAM_ERROR", `${name}: no access token in the answer`);
    return granted;
  };

  return {
    call(endpointName, request = {}, options) {
      const endpoint = spec.endpoints[endpointName];
      const name = `${spec.provider}.${endpointName}`;
      return withToken(deps.tokens, tokenKey, grant(options), (token) =>
        send(name, endpoint, request, options, token),
      );
    },
  };
}

/**
 * Runs `call` with a cached token. When upstream rejects the token itself, it is dropped and
 * fetched again once; a second rejection means the app's credentials no longer work.
 */
export async function withToken<T>(
  tokens: TokenCache,
  key: string,
  grant: () => Promise<TokenGrant>,
  call: (token: string) => Promise<T>,
): Promise<T> {
  const token = await tokens.get(key, grant);
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof DirgateError) || !error.tokenRejected) throw error;
    tokens.invalidate(key, token);
  }
  const fresh = await tokens.get(key, grant);
  try {
    return await call(fresh);
  } catch (error) {
    if (!(error instanceof DirgateError) || !error.tokenRejected) throw error;
    tokens.invalidate(key, fresh);
    throw new DirgateError("UPSTREAM_AUTH_FAILED", "upstream rejected a freshly issued access token", {
      upstream: error.upstream,
      cause: error,
    });
  }
}
