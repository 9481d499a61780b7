import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { Sandbox } from "@dirgate/sandbox";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { eventSource } from "../test/helpers/event-source.ts";
import { type Figure, functionEnv, round } from "./lib.ts";

/** Batch throughput: N SQS records through lookup-batch against a sandbox limit of R req/s. */
export async function batchThroughput(sbx: Sandbox, records: number, rate: number): Promise<Figure[]> {
  sbx.reset();
  Object.assign(
    process.env,
    functionEnv(sbx, { DIRGATE_BATCH_CONTAINERS: "1", DIRGATE_BATCH_CONCURRENCY: "10" }),
  );
  sbx.setKnobs({ rateLimitPerSecond: rate, rateLimitScope: "app" });
  // A connection of its own: in one process, @middy/util's cache would hand back demo-feishu as an
  // earlier stage loaded it (without rateLimit). In Lambda each function is its own process.
  sbx.secretsManager.putSecret("dirgate/local/connections/bench-feishu", {
    ...sbx.connections["demo-feishu"],
    rateLimit: { perSecond: rate },
  });
  const handler = (await import("../functions/lookup-batch.ts")).handler as unknown as (
    e: SQSEvent,
    c: Context,
  ) => Promise<SQSBatchResponse>;
  const people = sbx.org.people.filter((p) => p.in.feishu).map((p) => p.userId);
  const source = eventSource(sbx, handler, { pollers: 8 });
  for (let i = 0; i < records; i += 10) {
    await source.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: source.queueUrl,
        Entries: Array.from({ length: Math.min(10, records - i) }, (_, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify({
            id: `b${i + j}`,
            connection: "bench-feishu",
            operation: "userById",
            input: { userId: people[(i + j) % people.length] },
          }),
        })),
      }),
    );
  }
  // Warm the token so the measured rate is the lookups'.
  const started = performance.now();
  let passes = 0;
  while (sbx.sqs.messages(sbx.queues.requests).length > 0 && passes < 10) {
    await source.pass();
    passes += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const route = "GET /open-apis/contact/v3/users/:user_id";
  const calls = sbx.feishu.emulator.counter(route);
  const span = sbx.feishu.emulator.span(route);
  // The upstream rate: calls over the time between the first and the last one the provider saw.
  const achieved = span && calls > 1 ? ((calls - 1) * 1000) / (span.last - span.first) : 0;
  const results = sbx.sqs.messages(sbx.queues.results).length;
  return [
    { name: "batch: wall time for all records", value: round(seconds, 1), unit: "s" },
    {
      name: `batch: achieved upstream rate (${records} records, limit ${rate}/s)`,
      value: round(achieved, 1),
      unit: "req/s",
      target: `≥ ${0.9 * rate}`,
      meets: achieved >= 0.9 * rate,
    },
    {
      name: "batch: share of the limit",
      value: round(achieved / rate, 3),
      unit: "×",
      target: "≥ 0.9",
      meets: achieved / rate >= 0.9,
    },
    {
      name: "batch: rate-limit errors",
      value: sbx.feishu.emulator.counter("rateLimited"),
      unit: "answers",
      target: "= 0",
      meets: sbx.feishu.emulator.counter("rateLimited") === 0,
    },
    {
      name: "batch: results (one per record)",
      value: results,
      unit: "results",
      target: `= ${records}`,
      meets: results === records,
    },
  ];
}
