import { cpus, totalmem } from "node:os";
import type { Sandbox } from "@dirgate/sandbox";

/** One figure of `bench/results.json`. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The peer's value for the same figure (raw call or official SDK), where there is one. */
  peer?: { name: string; value: number };
  /** The goal from the issue, e.g. "≤ 0.3". */
  target?: string;
  meets?: boolean;
  note?: string;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits));

export function machine() {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The environment the functions read at init, pointed at a running sandbox. */
export function functionEnv(sbx: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  const described = sbx.describe();
  return {
    DIRGATE_STAGE: "local",
    DIRGATE_SECRET_PREFIX: sbx.secretPrefix,
    DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
    DIRGATE_SQS_ENDPOINT: described.sqs.endpoint,
    DIRGATE_RESULTS_QUEUE_URL: described.sqs.resultsQueueUrl,
    AWS_REGION: described.secretsManager.region,
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    LOG_LEVEL: "SILENT",
    ...extra,
  };
}

/** Times `fn` `iterations` times after `warmup` runs: per-call milliseconds. */
export async function timeCalls(
  fn: () => Promise<unknown>,
  iterations: number,
  warmup = Math.min(200, iterations),
): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples;
}
