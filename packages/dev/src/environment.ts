/**
 * The environment `npm start` and `npm run connections` read, the same variables the functions read
 * in AWS (README, "Configuration"). What is not set comes from the sandbox.
 */

/** The port the local sandbox's Secrets Manager takes when it is free (`npm start`, `npm run sandbox`). */
export const DEFAULT_SECRETS_MANAGER_PORT = 4598;

/** Credentials for the sandbox's AWS emulators (they take any; these say what they are). */
export const SANDBOX_CREDENTIALS = { accessKeyId: "sandbox", secretAccessKey: "sandbox" } as const;

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "SILENT", "CRITICAL"];

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface LocalEnvironment {
  /** `AWS_REGION` (else `AWS_DEFAULT_REGION`); undefined = the sandbox's, or the AWS profile's. */
  region?: string;
  /** `DIRGATE_SECRETS_MANAGER_ENDPOINT` (`aws` = the region's public endpoint); undefined = the sandbox's. */
  secretsManagerEndpoint?: string;
  /** `DIRGATE_SECRET_PREFIX`, else `dirgate/{DIRGATE_STAGE or local}`. */
  secretPrefix: string;
  stage: string;
  /** `DIRGATE_CHANGES_QUEUE_URL`; undefined = the sandbox's `Changes` queue, consumed locally. */
  changesQueueUrl?: string;
  /** `DIRGATE_SQS_ENDPOINT` (with a queue URL only); undefined = the region's. */
  sqsEndpoint?: string;
  /** `DIRGATE_EVENT_BUS_NAME`; undefined = the sandbox's bus. */
  eventBusName?: string;
  /** `DIRGATE_EVENTBRIDGE_ENDPOINT` (with a bus name only); undefined = the region's. */
  eventBridgeEndpoint?: string;
  port: number;
  logLevel?: string;
  /** Settings that were given but have no effect, to say so at start-up. */
  notes: string[];
}

/** A setting that cannot be used: its name and why, never its value. */
export class EnvironmentError extends Error {}

/** Reads and checks the environment; `aws` endpoints are expanded once the region is known (`withRegion`). */
export function readLocalEnvironment(env: Record<string, string | undefined>): LocalEnvironment {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const endpoint = (name: string) => {
    const value = get(name);
    if (value === undefined || value === "aws") return value;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new EnvironmentError(`${name} is not a URL (or \`aws\` for the region's AWS endpoint)`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new EnvironmentError(`${name} must be an http(s) URL`);
    }
    return value.replace(/\/+$/, "");
  };
  const notes: string[] = [];
  const stage = get("DIRGATE_STAGE") ?? "local";
  const rawPort = get("PORT") ?? "3000";
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65_535)
    throw new EnvironmentError("PORT is not a port number (0–65535)");
  const logLevel = get("LOG_LEVEL")?.toUpperCase();
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
    throw new EnvironmentError(`LOG_LEVEL is one of ${LOG_LEVELS.join(", ")}`);
  }
  const changesQueueUrl = get("DIRGATE_CHANGES_QUEUE_URL");
  if (changesQueueUrl !== undefined && !/^https?:\/\//.test(changesQueueUrl)) {
    throw new EnvironmentError("DIRGATE_CHANGES_QUEUE_URL is not a queue URL");
  }
  let sqsEndpoint = endpoint("DIRGATE_SQS_ENDPOINT");
  if (sqsEndpoint !== undefined && changesQueueUrl === undefined) {
    notes.push(
      "DIRGATE_SQS_ENDPOINT is ignored without DIRGATE_CHANGES_QUEUE_URL (the sandbox's queue is used)",
    );
    sqsEndpoint = undefined;
  }
  const eventBusName = get("DIRGATE_EVENT_BUS_NAME");
  let eventBridgeEndpoint = endpoint("DIRGATE_EVENTBRIDGE_ENDPOINT");
  if (eventBridgeEndpoint !== undefined && eventBusName === undefined) {
    notes.push(
      "DIRGATE_EVENTBRIDGE_ENDPOINT is ignored without DIRGATE_EVENT_BUS_NAME (the sandbox's bus is used)",
    );
    eventBridgeEndpoint = undefined;
  }
  return {
    region: get("AWS_REGION") ?? get("AWS_DEFAULT_REGION"),
    secretsManagerEndpoint: endpoint("DIRGATE_SECRETS_MANAGER_ENDPOINT"),
    secretPrefix: get("DIRGATE_SECRET_PREFIX") ?? `dirgate/${stage}`,
    stage,
    changesQueueUrl,
    sqsEndpoint,
    eventBusName,
    eventBridgeEndpoint,
    port,
    logLevel,
    notes,
  };
}

/**
 * `aws` → the service's public endpoint in `region` (`.amazonaws.com.cn` in China, as the functions'
 * own `awsEndpoint` builds it: this module stays free of the Lambda package, for fast `--help`s).
 */
export function expandEndpoint(value: string, service: string, region: string): string {
  if (value !== "aws") return value;
  return `https://${service}.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/** Whether a URL is on this machine (another sandbox, LocalStack): any credentials do there. */
export function isLoopback(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Where AWS things are found, with the credentials to call them; `source` says where they came from. */
export interface ResolvedAws {
  region: string;
  credentials: AwsCredentials;
  /** `sandbox`, `environment` (AWS_ACCESS_KEY_ID…), or `AWS SDK default chain (…)`. */
  source: string;
  /** When temporary credentials expire (a restart picks up new ones). */
  expiration?: Date;
}

/**
 * Credentials and region for calling AWS from a laptop: the environment's `AWS_ACCESS_KEY_ID`/
 * `AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` when set, else (only when something real is called)
 * the AWS SDK's default chain — `AWS_PROFILE`, SSO, `~/.aws/credentials`, web identity, the
 * container or instance role — as the SDK's own clients would resolve them. Nothing real to call →
 * the sandbox's placeholder credentials. Never returns a credential in a message.
 */
export async function resolveAws(
  env: Record<string, string | undefined>,
  options: { region?: string; real: boolean; fallbackRegion?: string },
): Promise<ResolvedAws> {
  const fromEnv =
    env["AWS_ACCESS_KEY_ID"] && env["AWS_SECRET_ACCESS_KEY"]
      ? {
          accessKeyId: env["AWS_ACCESS_KEY_ID"],
          secretAccessKey: env["AWS_SECRET_ACCESS_KEY"],
          ...(env["AWS_SESSION_TOKEN"] ? { sessionToken: env["AWS_SESSION_TOKEN"] } : {}),
        }
      : undefined;
  if (!options.real) {
    return {
      region: options.region ?? options.fallbackRegion ?? "us-east-1",
      credentials: fromEnv ?? { ...SANDBOX_CREDENTIALS },
      source: fromEnv ? "environment" : "sandbox",
    };
  }
  // The SDK resolves the region and the credential chain exactly as its clients do.
  const { SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
  const client = new SecretsManagerClient(options.region ? { region: options.region } : {});
  try {
    let region = options.region;
    if (!region) {
      try {
        region = await client.config.region();
      } catch {
        throw new EnvironmentError(
          "no AWS region: set AWS_REGION (e.g. cn-north-1) or a region in your AWS profile",
        );
      }
    }
    if (fromEnv) return { region, credentials: fromEnv, source: "environment" };
    let resolved: Awaited<ReturnType<typeof client.config.credentials>>;
    try {
      resolved = await client.config.credentials();
    } catch (error) {
      throw new EnvironmentError(
        `no AWS credentials: set AWS_PROFILE (then \`aws sso login\` if it uses SSO) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (${(error as Error).message.split("\n")[0]})`,
      );
    }
    return {
      region,
      credentials: {
        accessKeyId: resolved.accessKeyId,
        secretAccessKey: resolved.secretAccessKey,
        ...(resolved.sessionToken ? { sessionToken: resolved.sessionToken } : {}),
      },
      source: `AWS SDK default chain${env["AWS_PROFILE"] ? ` (profile ${env["AWS_PROFILE"]})` : ""}`,
      ...(resolved.expiration ? { expiration: resolved.expiration } : {}),
    };
  } finally {
    client.destroy();
  }
}
