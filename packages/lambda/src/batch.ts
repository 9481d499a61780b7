import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import {
  type CallOptions,
  ConnectionIdSchema,
  DirgateError,
  isRetryable,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationName,
} from "@dirgate/core";
import type middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import pLimit from "p-limit";
import * as z from "zod";
import { assertAllowed, batchIdentities, type Identity } from "./access.ts";
import { invalidRequest, readDirectRequest, validateRequest } from "./event.ts";
import { type Problem, toProblem } from "./problem.ts";
import type { Runtime } from "./runtime.ts";
import { createMessageSender } from "./sqs.ts";

/** One request on the batch queue: any operation of the table, its input as a direct invocation takes it. */
export const BatchMessageSchema = z.strictObject({
  id: z.string().min(1).max(256).describe("Your correlation id, echoed in the result"),
  connection: ConnectionIdSchema,
  operation: z.enum(OPERATION_NAMES as [OperationName, ...OperationName[]]),
  input: z.record(z.string(), z.unknown()),
});
export type BatchMessage = z.infer<typeof BatchMessageSchema>;

/** One result on the results queue. */
export interface BatchResult {
  id: string | null;
  messageId: string;
  connection?: string;
  operation?: string;
  ok: boolean;
  error?: Problem;
  [field: string]: unknown;
}

/** Where results go: SQS SendMessageBatch in AWS and against the sandbox. Returns the ids that failed. */
export type ResultSink = (results: BatchResult[]) => Promise<Set<string>>;

export function sqsResultSink(runtime: Runtime): ResultSink {
  const { settings } = runtime;
  if (!settings.resultsQueueUrl)
    throw new Error("DIRGATE_RESULTS_QUEUE_URL is required by the batch consumer");
  const send = createMessageSender(settings, settings.resultsQueueUrl);
  return async (results) => {
    const unsent = await send(results.map((result) => ({ body: JSON.stringify(result) })));
    if (unsent.size > 0)
      runtime.logger.warn("results could not be sent; the records will be retried", { unsent: unsent.size });
    return new Set([...unsent].map((i) => results[i]!.messageId));
  };
}

/** The batch consumer's chain: Powertools logging with the request id (records are answered one by one). */
export function batchMiddlewares(runtime: Runtime): middy.MiddlewareObj<SQSEvent, SQSBatchResponse>[] {
  return [
    injectLambdaContext(runtime.logger, { resetKeys: true }) as middy.MiddlewareObj<
      SQSEvent,
      SQSBatchResponse
    >,
  ];
}

type Outcome = { record: SQSRecord; result?: BatchResult; retry: boolean };

/**
 * The SQS batch consumer: each record `{ id, connection, operation, input }` is validated like a
 * direct invocation, checked against the connection's `allow` list for its sender (access.ts), and
 * run; its result goes to the results queue. Retryable failures (the error's own flag) are reported
 * in `batchItemFailures` (SQS retries them, then dead-letters them); the others (invalid message,
 * forbidden, not found, 501, …) are results. Nothing is lost: every record ends as a
 * result, a retry or a dead letter.
 */
export function lookupBatch(runtime: Runtime, sink: ResultSink = sqsResultSink(runtime)) {
  const limit = pLimit(runtime.settings.batchConcurrency);

  const run = async (
    message: BatchMessage,
    identities: readonly Identity[],
    options: CallOptions,
  ): Promise<Record<string, unknown>> => {
    const name = message.operation;
    const parts = readDirectRequest(OPERATIONS[name], compatibleInput(message.input), message.connection);
    const { input } = validateRequest(name, {
      ...parts,
      issues: parts.issues.map((i) => ({ ...i, path: `input.${i.path}` })),
      where: Object.fromEntries(Object.keys(parts.fields).map((k) => [k, "input"])),
    });
    const loaded = await runtime.connections.get(message.connection, options);
    // The same check as the HTTP API's, for the record's sender (SenderId: set by SQS, not by the sender).
    assertAllowed(loaded.id, loaded.config, identities);
    const output = await runtime.connections.withClient(
      loaded,
      (client) => client.run(name, input, options),
      options,
    );
    const key = OPERATIONS[name].resultName;
    return key ? { [key]: output } : (output as Record<string, unknown>);
  };

  const processRecord = async (record: SQSRecord, deadline: number | undefined): Promise<Outcome> => {
    let message: BatchMessage | undefined;
    try {
      if (deadline !== undefined && Date.now() > deadline - 1_000) return { record, retry: true };
      message = readMessage(record.body);
      const value = await run(message, batchIdentities(record), { deadline });
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
      if (isRetryable(error)) {
        runtime.logger.warn("record will be retried", {
          messageId: record.messageId,
          code: (error as DirgateError)?.code,
        });
        return { record, retry: true };
      }
      return {
        record,
        retry: false,
        result: {
          id: message?.id ?? idOf(record.body),
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

function readMessage(body: string): BatchMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new DirgateError("INVALID_REQUEST", "the message body is not JSON");
  }
  const parsed = BatchMessageSchema.safeParse(value);
  if (!parsed.success) {
    throw invalidRequest(
      parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(message)", message: i.message })),
    );
  }
  return parsed.data;
}

/** `includeRaw: true` (the batch's first input format) still means `include: "raw"`. */
function compatibleInput(input: Record<string, unknown>): Record<string, unknown> {
  if (!("includeRaw" in input)) return input;
  const { includeRaw, ...rest } = input;
  return includeRaw === true ? { ...rest, include: "raw" } : includeRaw === false ? rest : input;
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
