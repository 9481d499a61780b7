import {
  type CallOptions,
  callUpstream,
  DEFAULT_HTTP_DEPS,
  DirgateError,
  type HttpDeps,
  type UpstreamResponse,
} from "@dirgate/core";
import { AwsV4Signer } from "aws4fetch";
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
 * A minimal AWS JSON-protocol client: SigV4 (aws4fetch's signer) over dirgate's one request function
 * (per-attempt timeout, the caller's deadline, retries of what is retryable, credentials scrubbed).
 * Why not the AWS SDK clients: three of them would be most of a Lambda bundle and most of its cold
 * import (DEPLOY-NOTES: the Secrets Manager client alone is ~315 KB and ~30 ms), for three calls
 * (GetSecretValue, SendMessageBatch, PutEvents) whose wire format is a small JSON POST.
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
    const signed = await new AwsV4Signer({
      method: "POST",
      url,
      headers: { "content-type": contentType, "x-amz-target": `${options.targetPrefix}.${operation}` },
      body: payload,
      service: options.service,
      region: options.region,
      ...credentials,
    }).sign();
    const headers: Record<string, string> = {};
    signed.headers.forEach((value, key) => {
      headers[key] = value;
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
