import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  type CallOptions,
  DepartmentUsersInputSchema,
  DirgateError,
  UserByIdInputSchema,
  UserByMobileInputSchema,
} from "@dirgate/core";
import type { ProviderClient } from "@dirgate/providers";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import pLimit from "p-limit";
import * as z from "zod";
import { ConnectionRegistry, type LoadedConnection } from "./connections.ts";
import { toProblem } from "./problem.ts";
import { ConnectionIdSchema } from "./routes.ts";
import type { Runtime } from "./runtime.ts";

/** One lookup request on the batch queue. */
export const BatchMessageSchema = z.strictObject({
  id: z.string().min(1).max(256).describe("Your correlation id, echoed in the result"),
  connection: ConnectionIdSchema,
  operation: z.enum(["userByMobile", "userById", "departmentUsers"]),
  input: z.record(z.string(), z.unknown()),
});
export type BatchMessage = z.infer<typeof BatchMessageSchema>;

const INPUT_SCHEMAS = {
  userByMobile: UserByMobileInputSchema.strict(),
  userById: UserByIdInputSchema.strict(),
  departmentUsers: DepartmentUsersInputSchema.strict(),
} as const;

/** One result on the results queue. */
export interface BatchResult {
  id: string | null;
  messageId: string;
  connection?: string;
  operation?: string;
  ok: boolean;
  user?: unknown;
  items?: unknown[];
  nextPageToken?: string | null;
  error?: ReturnType<typeof toProblem>;
}

/** Where results go: SQS SendMessageBatch in AWS and against the sandbox. Returns the ids that failed. */
export type ResultSink = (results: BatchResult[]) => Promise<Set<string>>;

export function sqsResultSink(runtime: Runtime): ResultSink {
  const { settings } = runtime;
  if (!settings.resultsQueueUrl)
    throw new Error("DIRGATE_RESULTS_QUEUE_URL is required by the batch consumer");
  const sqs = new SQSClient({
    region: settings.region,
    ...(settings.sqsEndpoint ? { endpoint: settings.sqsEndpoint } : {}),
  });
  return async (results) => {
    const failed = new Set<string>();
    const chunks: BatchResult[][] = [];
    for (let i = 0; i < results.length; i += 10) chunks.push(results.slice(i, i + 10));
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const out = await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: settings.resultsQueueUrl,
              Entries: chunk.map((result, i) => ({ Id: String(i), MessageBody: JSON.stringify(result) })),
            }),
          );
          for (const entry of out.Failed ?? []) failed.add(chunk[Number(entry.Id)]!.messageId);
        } catch (error) {
          runtime.logger.warn("results could not be sent; the records will be retried", {
            error: String(error),
          });
          for (const result of chunk) failed.add(result.messageId);
        }
      }),
    );
    return failed;
  };
}

/** A failure SQS should retry (then dead-letter): everything but the caller's own mistakes. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof DirgateError)) return true;
  if (error.status === 429) return true;
  if (error.status >= 400 && error.status < 500) return false;
  return error.status !== 501;
}

type Outcome = { record: SQSRecord; result?: BatchResult; retry: boolean };

/**
 * The SQS batch consumer: each record `{ id, connection, operation, input }` is validated and run;
 * its result goes to the results queue. Transient failures are reported in `batchItemFailures`
 * (SQS retries them, then dead-letters them); permanent ones (invalid message, 4xx, 501) are
 * results. Nothing is lost: every record ends as a result, a retry or a dead letter.
 */
export function lookupBatch(runtime: Runtime, sink: ResultSink = sqsResultSink(runtime)) {
  const registry = new ConnectionRegistry(runtime, { containers: runtime.settings.batchContainers });
  const limit = pLimit(runtime.settings.batchConcurrency);

  const run = async (
    message: BatchMessage,
    loaded: LoadedConnection,
    options: CallOptions,
  ): Promise<Partial<BatchResult>> => {
    const input = INPUT_SCHEMAS[message.operation].safeParse(message.input);
    if (!input.success) {
      throw new DirgateError("INVALID_REQUEST", "input does not fit the operation", {
        details: input.error.issues.map((i) => ({
          path: ["input", ...i.path.map(String)].join("."),
          message: i.message,
        })),
      });
    }
    const call = (client: ProviderClient): Promise<Partial<BatchResult>> => {
      switch (message.operation) {
        case "userByMobile":
          return client
            .userByMobile(input.data as z.input<typeof UserByMobileInputSchema>, options)
            .then((user) => ({ user }));
        case "userById":
          return client
            .userById(input.data as z.input<typeof UserByIdInputSchema>, options)
            .then((user) => ({ user }));
        case "departmentUsers":
          return client.departmentUsers(input.data as z.input<typeof DepartmentUsersInputSchema>, options);
      }
    };
    return registry.withClient(loaded, call);
  };

  const processRecord = async (record: SQSRecord, deadline: number | undefined): Promise<Outcome> => {
    let message: BatchMessage | undefined;
    try {
      if (deadline !== undefined && Date.now() > deadline - 1_000) return { record, retry: true };
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new DirgateError("INVALID_REQUEST", "the message body is not JSON");
      }
      const parsed = BatchMessageSchema.safeParse(body);
      if (!parsed.success) {
        throw new DirgateError("INVALID_REQUEST", "the message is not { id, connection, operation, input }", {
          details: parsed.error.issues.map((i) => ({
            path: i.path.join(".") || "(message)",
            message: i.message,
          })),
        });
      }
      message = parsed.data;
      const loaded = await registry.get(message.connection);
      const value = await run(message, loaded, { deadline });
      return {
        record,
        retry: false,
        result: {
          id: message.id,
          messageId: record.messageId,
          connection: message.connection,
          operation: message.operation,
          ok: true,
          ...value,
        },
      };
    } catch (error) {
      if (isTransient(error)) {
        runtime.logger.warn("record will be retried", {
          messageId: record.messageId,
          code: (error as DirgateError)?.code,
        });
        return { record, retry: true };
      }
      const partialId = message?.id ?? idOf(record.body);
      return {
        record,
        retry: false,
        result: {
          id: partialId,
          messageId: record.messageId,
          ...(message ? { connection: message.connection, operation: message.operation } : {}),
          ok: false,
          error: toProblem(error, record.messageId),
        },
      };
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const remaining =
      typeof context?.getRemainingTimeInMillis === "function"
        ? context.getRemainingTimeInMillis()
        : undefined;
    const deadline =
      remaining === undefined ? undefined : Date.now() + remaining - runtime.settings.deadlineMarginMs;
    const outcomes = await Promise.all(
      (event.Records ?? []).map((record) => limit(() => processRecord(record, deadline))),
    );
    const unsent = await sink(outcomes.flatMap((o) => (o.result ? [o.result] : [])));
    const failures = outcomes.filter((o) => o.retry || unsent.has(o.record.messageId));
    runtime.logger.info("batch done", {
      records: outcomes.length,
      results: outcomes.length - failures.length,
      retries: failures.length,
    });
    return { batchItemFailures: failures.map((o) => ({ itemIdentifier: o.record.messageId })) };
  };
}

/** The `id` of a message that failed validation, when it has a usable one. */
function idOf(body: string): string | null {
  try {
    const id = (JSON.parse(body) as { id?: unknown })?.id;
    return typeof id === "string" && id.length > 0 && id.length <= 256 ? id : null;
  } catch {
    return null;
  }
}
