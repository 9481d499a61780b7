/**
 * The error family of dirgate: one class, a stable `code` per failure (DESIGN §3: add, never
 * rename), its HTTP status, and what upstream said (never a token).
 */
export const ERROR_CODES = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONNECTION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  DEPARTMENT_NOT_FOUND: 404,
  /** No route matches the path (local server; API Gateway answers these itself). */
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The URL, headers or body are over a limit (413, 414 or 431; the status says which). */
  REQUEST_TOO_LARGE: 413,
  PROVIDER_PERMISSION_DENIED: 403,
  UNSUPPORTED_OPERATION: 501,
  UPSTREAM_RATE_LIMITED: 429,
  UPSTREAM_AUTH_FAILED: 502,
  /** Upstream answered with an error dirgate does not recognise; `upstream.code` keeps its value. */
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What the provider said, when it spoke: its own code, message and request id. */
export interface UpstreamInfo {
  code?: string;
  message?: string;
  requestId?: string;
}

export interface DirgateErrorOptions {
  upstream?: UpstreamInfo;
  /**
   * Whether the same request may succeed if tried again later (network, 5xx, busy, rate limits,
   * a deadline that ran out). The one notion of "retryable": the request function retries these
   * within a call (when the wait fits), the batch hands them back to SQS, callbacks answer 5xx.
   */
  retryable?: boolean;
  /** How long upstream asked us to wait before trying again. */
  retryAfterMs?: number;
  /** The provider rejected the token itself: drop it and fetch a new one. */
  tokenRejected?: boolean;
  /** Field-level details for INVALID_REQUEST. */
  details?: { path: string; message: string }[];
  cause?: unknown;
}

export class DirgateError extends Error {
  override readonly name = "DirgateError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly upstream?: UpstreamInfo;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly tokenRejected: boolean;
  readonly details?: { path: string; message: string }[];

  constructor(code: ErrorCode, message: string, options: DirgateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_CODES[code];
    this.upstream = options.upstream;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.tokenRejected = options.tokenRejected ?? false;
    this.details = options.details;
  }

  /** The same error with another message (credentials scrubbed, context added); everything else kept. */
  withMessage(message: string, upstream: UpstreamInfo | undefined = this.upstream): DirgateError {
    return new DirgateError(this.code, message, {
      upstream,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      tokenRejected: this.tokenRejected,
      details: this.details,
      cause: this.cause,
    });
  }

  /** The caller-facing fields (no stack, no cause). */
  toJSON() {
    return {
      code: this.code,
      status: this.status,
      message: this.message,
      ...(this.upstream ? { upstream: this.upstream } : {}),
      ...(this.details ? { details: this.details } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterSeconds: Math.ceil(this.retryAfterMs / 1000) } : {}),
    };
  }
}

export function isDirgateError(error: unknown): error is DirgateError {
  return error instanceof DirgateError;
}

/**
 * Whether a failure is worth trying again later. Anything that is not a DirgateError is a crash
 * nobody classified: retried (and dead-lettered if it persists) rather than answered as final.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof DirgateError ? error.retryable : true;
}
