import * as z from "zod";

/** A whole number written in decimal digits: no `0x10`, `1e3`, signs, spaces or fractions (`z.coerce` took them). */
const decimal = (min: number, max = 1_000_000_000) =>
  z
    .string()
    .regex(/^(0|[1-9]\d{0,8})$/, "must be a whole number in decimal digits")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** `true`/`false` (also `1`/`0`). */
const flag = () => z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/**
 * A function's few settings, read once at init from the environment it is given (functions pass
 * `process.env`; packages never read it themselves).
 */
const EnvSchema = z.object({
  DIRGATE_STAGE: z.string().min(1).default("local"),
  /** Secrets are `{prefix}/connections/{connectionId}`. */
  DIRGATE_SECRET_PREFIX: z.string().min(1).optional(),
  /** How long a connection's secret is cached in a container, in seconds. */
  DIRGATE_SECRET_CACHE_SECONDS: decimal(1).default(300),
  /** Connections kept loaded per container (an LRU: no caller can grow a container by naming ids). */
  DIRGATE_CONNECTION_CACHE_SIZE: decimal(1, 100_000).default(500),
  /** How long an unknown connection id is remembered, in seconds. */
  DIRGATE_UNKNOWN_CONNECTION_SECONDS: decimal(0, 3600).default(10),
  /** Timeout of one Secrets Manager call, in ms. */
  DIRGATE_SECRET_TIMEOUT_MS: decimal(100, 30_000).default(2_000),
  /** Secrets Manager endpoint override (the sandbox); empty in AWS. */
  DIRGATE_SECRETS_MANAGER_ENDPOINT: z.url().optional(),
  /**
   * Whether a connection's `baseUrl` may be a loopback address (the sandbox's emulators). Unset:
   * only when the Secrets Manager endpoint is itself on loopback (the sandbox), never in AWS.
   */
  DIRGATE_ALLOW_LOOPBACK_BASE_URL: flag().optional(),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  /** The function's credentials: Lambda sets them for its execution role. */
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  /** Timeout of one upstream attempt, in ms. */
  DIRGATE_UPSTREAM_TIMEOUT_MS: decimal(100, 30_000).default(5_000),
  /** Time kept back from the Lambda deadline for answering, in ms. */
  DIRGATE_DEADLINE_MARGIN_MS: decimal(0).default(500),
  /** Batch consumer: where results go, and the SQS endpoint override (the sandbox). */
  DIRGATE_RESULTS_QUEUE_URL: z.url().optional(),
  DIRGATE_SQS_ENDPOINT: z.url().optional(),
  /** Change events: the FIFO queue callbacks go to, the bus events go to, and its endpoint override (the sandbox). */
  DIRGATE_CHANGES_QUEUE_URL: z.url().optional(),
  DIRGATE_EVENT_BUS_NAME: z.string().min(1).optional(),
  DIRGATE_EVENTBRIDGE_ENDPOINT: z.url().optional(),
  /** Batch consumer: records of one batch processed at once. */
  DIRGATE_BATCH_CONCURRENCY: decimal(1, 100).default(10),
  /** The event source mapping's maximumConcurrency: each container takes this share of a connection's rate. */
  DIRGATE_BATCH_CONTAINERS: decimal(1, 1000).default(2),
  LOG_LEVEL: z.enum(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "SILENT", "CRITICAL"]).default("INFO"),
  DIRGATE_VERSION: z.string().default("0.1.0"),
});

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface Settings {
  stage: string;
  secretPrefix: string;
  secretCacheMs: number;
  connectionCacheSize: number;
  unknownConnectionMs: number;
  secretTimeoutMs: number;
  secretsManagerEndpoint?: string;
  /** A connection's `baseUrl` may be a loopback address (the sandbox). */
  allowLoopbackBaseUrl: boolean;
  region: string;
  credentials?: AwsCredentials;
  upstreamTimeoutMs: number;
  deadlineMarginMs: number;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  version: string;
  resultsQueueUrl?: string;
  sqsEndpoint?: string;
  changesQueueUrl?: string;
  eventBusName?: string;
  eventBridgeEndpoint?: string;
  batchConcurrency: number;
  batchContainers: number;
}

export function readSettings(env: Record<string, string | undefined>): Settings {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    // Names and messages only: a setting's value (a credential) never reaches a message.
    throw new Error(
      `invalid dirgate settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const e = parsed.data;
  return {
    stage: e.DIRGATE_STAGE,
    secretPrefix: e.DIRGATE_SECRET_PREFIX ?? `dirgate/${e.DIRGATE_STAGE}`,
    secretCacheMs: e.DIRGATE_SECRET_CACHE_SECONDS * 1000,
    connectionCacheSize: e.DIRGATE_CONNECTION_CACHE_SIZE,
    unknownConnectionMs: e.DIRGATE_UNKNOWN_CONNECTION_SECONDS * 1000,
    secretTimeoutMs: e.DIRGATE_SECRET_TIMEOUT_MS,
    secretsManagerEndpoint: e.DIRGATE_SECRETS_MANAGER_ENDPOINT,
    allowLoopbackBaseUrl: e.DIRGATE_ALLOW_LOOPBACK_BASE_URL ?? onLoopback(e.DIRGATE_SECRETS_MANAGER_ENDPOINT),
    region: e.AWS_REGION,
    credentials:
      e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: e.AWS_ACCESS_KEY_ID,
            secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
            ...(e.AWS_SESSION_TOKEN ? { sessionToken: e.AWS_SESSION_TOKEN } : {}),
          }
        : undefined,
    upstreamTimeoutMs: e.DIRGATE_UPSTREAM_TIMEOUT_MS,
    deadlineMarginMs: e.DIRGATE_DEADLINE_MARGIN_MS,
    logLevel: e.LOG_LEVEL,
    version: e.DIRGATE_VERSION,
    resultsQueueUrl: e.DIRGATE_RESULTS_QUEUE_URL,
    sqsEndpoint: e.DIRGATE_SQS_ENDPOINT,
    changesQueueUrl: e.DIRGATE_CHANGES_QUEUE_URL,
    eventBusName: e.DIRGATE_EVENT_BUS_NAME,
    eventBridgeEndpoint: e.DIRGATE_EVENTBRIDGE_ENDPOINT,
    batchConcurrency: e.DIRGATE_BATCH_CONCURRENCY,
    batchContainers: e.DIRGATE_BATCH_CONTAINERS,
  };
}

/** Whether an endpoint override is on this machine (the sandbox's, started by `npm start` or a test). */
function onLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  const host = new URL(endpoint).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The AWS endpoint of a service in a region (China regions live under amazonaws.com.cn). */
export function awsEndpoint(service: string, region: string): string {
  return `https://${service}.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}
