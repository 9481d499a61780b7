import { createHash, createHmac } from "node:crypto";
import {
  type CallOptions,
  callUpstream,
  DEFAULT_HTTP_DEPS,
  DirgateError,
  type HttpDeps,
  type UpstreamResponse,
} from "@dirgate/core";
import { type AwsCredentials, awsEndpoint } from "./settings.ts";

/** An AWS error answer, read: its type (`ResourceNotFoundException`) and message. */
export interface AwsError {
  status: number;
  type: string;
  message?: string;
}

export interface AwsJsonClientOptions {
  /** The signing name and endpoint prefix: `secretsmanager`, `sqs`, `events`. */
  service: string;
  /** `X-Amz-Target` prefix: `secretsmanager`, `AmazonSQS`, `AWSEvents`. */
  targetPrefix: string;
  /** AWS JSON 1.0 (SQS) or 1.1 (Secrets Manager, EventBridge). */
  version: "1.0" | "1.1";
  region: string;
  endpoint?: string;
  credentials?: AwsCredentials;
  http?: Partial<HttpDeps>;
}

/** Calls one AWS JSON-protocol operation: its answer, or `onError`'s reading of the AWS error. */
export type AwsJsonCall = <T>(
  operation: string,
  body: Record<string, unknown>,
  onError: (error: AwsError) => DirgateError,
  options?: CallOptions,
) => Promise<T>;

/**
 * A minimal AWS JSON-protocol client: SigV4 (`signAwsRequest` below) over dirgate's one request
 * function (per-attempt timeout, the caller's deadline, retries of what is retryable, credentials
 * scrubbed). Why not the AWS SDK clients: three of them would be most of a Lambda bundle and most of
 * its cold import (DEPLOY-NOTES: the Secrets Manager client alone is ~315 KB and ~30 ms), for three
 * calls (GetSecretValue, SendMessageBatch, PutEvents) whose wire format is a small JSON POST.
 */
export function createAwsJsonClient(options: AwsJsonClientOptions): AwsJsonCall {
  const url = options.endpoint ?? awsEndpoint(options.service, options.region);
  const http: HttpDeps = {
    ...DEFAULT_HTTP_DEPS,
    timeoutMs: 2_000,
    maxAttempts: 2,
    baseDelayMs: 100,
    ...options.http,
  };
  const contentType = `application/x-amz-json-${options.version}`;
  return async <T>(
    operation: string,
    body: Record<string, unknown>,
    onError: (error: AwsError) => DirgateError,
    callOptions?: CallOptions,
  ): Promise<T> => {
    const credentials = options.credentials;
    if (!credentials) {
      throw new DirgateError(
        "INTERNAL",
        `no AWS credentials to call ${options.service} with (AWS_ACCESS_KEY_ID)`,
      );
    }
    const payload = JSON.stringify(body);
    const headers = signAwsRequest({
      method: "POST",
      url,
      headers: { "content-type": contentType, "x-amz-target": `${options.targetPrefix}.${operation}` },
      body: payload,
      service: options.service,
      region: options.region,
      credentials,
    });
    return callUpstream(
      {
        name: `${options.service}.${operation}`,
        method: "POST",
        url,
        headers,
        body: payload,
        secrets: [credentials.secretAccessKey, credentials.sessionToken, headers["authorization"]],
      },
      (response) => readAwsJson<T>(response, onError),
      http,
      callOptions,
    );
  };
}

function readAwsJson<T>(response: UpstreamResponse, onError: (error: AwsError) => DirgateError): T {
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(response.text || "{}") as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (response.status === 200 && body) return body as T;
  // `__type` may be `namespace#Type`; the SQS query-compatible header carries `Type;Sender`.
  const raw = String(body?.["__type"] ?? response.headers.get("x-amzn-errortype") ?? "");
  const type = raw.split(/[#:]/).pop() ?? "";
  const message = (body?.["message"] ?? body?.["Message"]) as string | undefined;
  throw onError({ status: response.status, type, message });
}

/** The default reading of an AWS error: throttling and 5xx are transient, the rest is not. */
export function awsUnavailable(what: string, error: AwsError): DirgateError {
  const transient =
    error.status >= 500 ||
    error.status === 429 ||
    /Throttl|RequestLimitExceeded|ServiceUnavailable|InternalError|InternalFailure/.test(error.type) ||
    !error.type;
  return new DirgateError("UPSTREAM_UNAVAILABLE", `${what} is unavailable`, {
    retryable: transient,
    ...(error.type ? { upstream: { code: error.type } } : {}),
  });
}

export interface AwsRequestToSign {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  credentials: AwsCredentials;
  /** `YYYYMMDD'T'HHMMSS'Z'`; now when absent. */
  datetime?: string;
}

/** Headers SigV4 leaves unsigned: aws4fetch's list (a proxy or the runtime may change them). */
const UNSIGNED = new Set([
  "authorization",
  "content-type",
  "content-length",
  "user-agent",
  "presigned-expires",
  "expect",
  "x-amzn-trace-id",
  "range",
  "connection",
]);
const signingKeys = new Map<string, Buffer>();
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * AWS Signature Version 4 on `node:crypto`: the request's headers with `authorization`,
 * `x-amz-date` and (with a session token) `x-amz-security-token` added. Why not aws4fetch's
 * `AwsV4Signer`: it builds a `Headers` and signs with `crypto.subtle`, and the first `Headers` makes
 * Node load undici — the ~15 ms a cold function must not pay inside its first request (the
 * transport is `node:http` for the same reason). It signs what aws4fetch signs, byte for byte
 * (test/lambda/sigv4.test.ts compares both on the same inputs): every header but the unsigned ones,
 * plus `host`; the path and query in their canonical, RFC 3986-encoded form (non-S3 rules).
 */
export function signAwsRequest(request: AwsRequestToSign): Record<string, string> {
  const { credentials, service, region } = request;
  const url = new URL(request.url);
  const datetime = request.datetime ?? new Date().toISOString().replace(/[:-]|\.\d{3}/g, "");
  const date = datetime.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value.trim();
  delete headers["host"];
  headers["x-amz-date"] = datetime;
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;

  const signed = ["host", ...Object.keys(headers).filter((h) => !UNSIGNED.has(h))].sort();
  const canonicalHeaders = signed
    .map((h) => `${h}:${h === "host" ? url.host : headers[h]!.replace(/\s+/g, " ")}\n`)
    .join("");
  const path = rfc3986(url.pathname.replace(/\/+/g, "/")).replace(/%2F/g, "/");
  const query = [...url.searchParams]
    .filter(([key]) => key)
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
  const canonical = [
    request.method.toUpperCase(),
    path,
    query,
    canonicalHeaders,
    signed.join(";"),
    sha256(request.body),
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const keyId = [credentials.secretAccessKey, date, region, service].join();
  let key = signingKeys.get(keyId);
  if (!key) {
    const hmac = (k: string | Buffer, text: string) => createHmac("sha256", k).update(text, "utf8").digest();
    key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), service), "aws4_request");
    if (signingKeys.size >= 16) signingKeys.clear(); // a key a day per credentials and service in use
    signingKeys.set(keyId, key);
  }
  const signature = createHmac("sha256", key)
    .update(["AWS4-HMAC-SHA256", datetime, scope, sha256(canonical)].join("\n"), "utf8")
    .digest("hex");
  headers["authorization"] =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  return headers;
}
