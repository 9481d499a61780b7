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

/** Reads one secret's string value; throws a DirgateError that says what the caller should hear. */
export interface SecretReader {
  read(secretId: string, options?: CallOptions): Promise<string>;
}

export interface SecretReaderOptions {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentials;
  http?: Partial<HttpDeps>;
}

/**
 * `GetSecretValue` over the AWS JSON 1.1 protocol, signed with SigV4 (aws4fetch's signer), sent by
 * dirgate's one request function (per-attempt timeout, the caller's deadline, at most two attempts).
 * Why not the AWS SDK client: it is ~315 KB of the bundle and ~30 ms of cold import for one call
 * (DEPLOY-NOTES), and it kept refresh timers alive (the crash of issue 18).
 */
export function createSecretReader(options: SecretReaderOptions): SecretReader {
  const url = options.endpoint ?? awsEndpoint("secretsmanager", options.region);
  const http: HttpDeps = {
    ...DEFAULT_HTTP_DEPS,
    timeoutMs: 2_000,
    maxAttempts: 2,
    baseDelayMs: 100,
    ...options.http,
  };
  return {
    async read(secretId, callOptions) {
      const credentials = options.credentials;
      if (!credentials) {
        throw new DirgateError(
          "INTERNAL",
          "no AWS credentials to read connection secrets with (AWS_ACCESS_KEY_ID)",
        );
      }
      const body = JSON.stringify({ SecretId: secretId });
      const signed = await new AwsV4Signer({
        method: "POST",
        url,
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "secretsmanager.GetSecretValue",
        },
        body,
        service: "secretsmanager",
        region: options.region,
        ...credentials,
      }).sign();
      const headers: Record<string, string> = {};
      signed.headers.forEach((value, key) => {
        headers[key] = value;
      });
      const answer = await callUpstream(
        {
          name: "secretsmanager.GetSecretValue",
          method: "POST",
          url,
          headers,
          body,
          secrets: [credentials.secretAccessKey, credentials.sessionToken, headers["authorization"]],
        },
        readGetSecretValue,
        http,
        callOptions,
      );
      return answer;
    },
  };
}

/** What the Secrets Manager answer means for a connection. */
function readGetSecretValue(response: UpstreamResponse): string {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(response.text) as Record<string, unknown>;
  } catch {
    // a gateway page: read by status below
  }
  if (response.status === 200 && typeof body["SecretString"] === "string") return body["SecretString"];
  const type = String(body["__type"] ?? response.headers.get("x-amzn-errortype") ?? "")
    .split(/[#:]/)
    .pop();
  const message =
    typeof body["message"] === "string" ? body["message"] : (body["Message"] as string | undefined);
  if (type === "ResourceNotFoundException") throw notFound();
  // A secret deleted the normal way is "scheduled for deletion" for 7–30 days: for dirgate it is gone.
  if (
    type === "InvalidRequestException" &&
    /marked for deletion|scheduled for deletion/i.test(message ?? "")
  ) {
    throw notFound();
  }
  if (type === "DecryptionFailure") {
    throw new DirgateError(
      "CONFIG_INVALID",
      "the connection's secret cannot be decrypted: the function may not use its KMS key (operator: check the key policy)",
    );
  }
  if (type === "AccessDeniedException") {
    throw new DirgateError(
      "CONFIG_INVALID",
      "the function may not read the connection's secret (operator: check its role and the secret's KMS key)",
    );
  }
  if (response.status === 200) {
    throw new DirgateError("CONFIG_INVALID", "the connection's secret holds no string value");
  }
  throw new DirgateError("UPSTREAM_UNAVAILABLE", "the secret store is unavailable", {
    retryable: response.status >= 500 || response.status === 429 || type === "ThrottlingException" || !type,
    upstream: type ? { code: type } : undefined,
  });
}

function notFound(): DirgateError {
  return new DirgateError("CONNECTION_NOT_FOUND", "no such connection");
}
