import * as z from "zod";

/**
 * A function's few settings, read once at init from the environment it is given (functions pass
 * `process.env`; packages never read it themselves).
 */
const EnvSchema = z.object({
  DIRGATE_STAGE: z.string().min(1).default("local"),
  /** Secrets are `{prefix}/connections/{connectionId}`. */
  DIRGATE_SECRET_PREFIX: z.string().min(1).optional(),
  /** How long a connection's secret is cached in a container, in seconds. */
  DIRGATE_SECRET_CACHE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Secrets Manager endpoint override (the sandbox); empty in AWS. */
  DIRGATE_SECRETS_MANAGER_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  /** Timeout of one upstream attempt, in ms. */
  DIRGATE_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  /** Time kept back from the Lambda deadline for answering, in ms. */
  DIRGATE_DEADLINE_MARGIN_MS: z.coerce.number().int().min(0).default(500),
  /** Batch consumer: where results go, and the SQS endpoint override (the sandbox). */
  DIRGATE_RESULTS_QUEUE_URL: z.url().optional(),
  DIRGATE_SQS_ENDPOINT: z.url().optional(),
  /** Batch consumer: records of one batch processed at once. */
  DIRGATE_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
  /** The event source mapping's maximumConcurrency: each container takes this share of a connection's rate. */
  DIRGATE_BATCH_CONTAINERS: z.coerce.number().int().min(1).max(1000).default(2),
  LOG_LEVEL: z.enum(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "SILENT", "CRITICAL"]).default("INFO"),
  DIRGATE_VERSION: z.string().default("0.1.0"),
});

export interface Settings {
  stage: string;
  secretPrefix: string;
  secretCacheMs: number;
  secretsManagerEndpoint?: string;
  region: string;
  upstreamTimeoutMs: number;
  deadlineMarginMs: number;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  version: string;
  resultsQueueUrl?: string;
  sqsEndpoint?: string;
  batchConcurrency: number;
  batchContainers: number;
}

export function readSettings(env: Record<string, string | undefined>): Settings {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    throw new Error(
      `invalid dirgate settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const e = parsed.data;
  return {
    stage: e.DIRGATE_STAGE,
    secretPrefix: e.DIRGATE_SECRET_PREFIX ?? `dirgate/${e.DIRGATE_STAGE}`,
    secretCacheMs: e.DIRGATE_SECRET_CACHE_SECONDS * 1000,
    secretsManagerEndpoint: e.DIRGATE_SECRETS_MANAGER_ENDPOINT,
    region: e.AWS_REGION,
    upstreamTimeoutMs: e.DIRGATE_UPSTREAM_TIMEOUT_MS,
    deadlineMarginMs: e.DIRGATE_DEADLINE_MARGIN_MS,
    logLevel: e.LOG_LEVEL,
    version: e.DIRGATE_VERSION,
    resultsQueueUrl: e.DIRGATE_RESULTS_QUEUE_URL,
    sqsEndpoint: e.DIRGATE_SQS_ENDPOINT,
    batchConcurrency: e.DIRGATE_BATCH_CONCURRENCY,
    batchContainers: e.DIRGATE_BATCH_CONTAINERS,
  };
}
