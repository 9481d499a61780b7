import { type CallOptions, DirgateError, type HttpDeps } from "@dirgate/core";
import { type AwsError, awsUnavailable, createAwsJsonClient } from "./aws-json.ts";
import type { AwsCredentials } from "./settings.ts";

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
 * `GetSecretValue` over the AWS JSON 1.1 protocol (aws-json.ts): a per-call timeout, the caller's
 * deadline, at most two attempts. No SDK client, and nothing running in the background (the
 * `@middy/secrets-manager` refresh timers crashed the process when a secret disappeared).
 */
export function createSecretReader(options: SecretReaderOptions): SecretReader {
  const call = createAwsJsonClient({
    service: "secretsmanager",
    targetPrefix: "secretsmanager",
    version: "1.1",
    ...options,
  });
  return {
    async read(secretId, callOptions) {
      const answer = await call<{ SecretString?: unknown }>(
        "GetSecretValue",
        { SecretId: secretId },
        explainSecretError,
        callOptions,
      );
      if (typeof answer.SecretString !== "string") {
        throw new DirgateError("CONFIG_INVALID", "the connection's secret holds no string value");
      }
      return answer.SecretString;
    },
  };
}

/** What a Secrets Manager error means for a connection. */
function explainSecretError(error: AwsError): DirgateError {
  if (error.type === "ResourceNotFoundException") return notFound();
  // A secret deleted the normal way is "scheduled for deletion" for 7–30 days: for dirgate it is gone.
  if (
    error.type === "InvalidRequestException" &&
    /marked for deletion|scheduled for deletion/i.test(error.message ?? "")
  ) {
    return notFound();
  }
  if (error.type === "DecryptionFailure") {
    return new DirgateError(
      "CONFIG_INVALID",
      "the connection's secret cannot be decrypted: the function may not use its KMS key (operator: check the key policy)",
    );
  }
  if (error.type === "AccessDeniedException") {
    return new DirgateError(
      "CONFIG_INVALID",
      "the function may not read the connection's secret (operator: check its role and the secret's KMS key)",
    );
  }
  return awsUnavailable("the secret store", error);
}

function notFound(): DirgateError {
  return new DirgateError("CONNECTION_NOT_FOUND", "no such connection");
}
