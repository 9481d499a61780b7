import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { lambdaContext } from "./local-server.ts";

type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface EventSourceOptions {
  /** The SQS endpoint (the sandbox's emulator). */
  endpoint: string;
  region?: string;
  queueUrl: string;
  /** The queue's ARN as Lambda reports it in records. */
  queueArn?: string;
  handler: BatchHandler;
  batchSize?: number;
  /** Concurrent pollers (1 keeps a FIFO queue's order). */
  pollers?: number;
  /** The function's timeout, for the context handed to it. */
  timeoutMs?: number;
}

/**
 * Plays Lambda's SQS event source mapping against an SQS endpoint: receive up to `batchSize`
 * messages, invoke the handler with an SQS event, delete what it did not report as failed, and make
 * the failed ones visible again (ReportBatchItemFailures). `pass()` drains what is visible now;
 * `start()` polls until `stop()` (long polling, as Lambda does).
 */
export function createEventSource(options: EventSourceOptions) {
  const sqs = new SQSClient({
    endpoint: options.endpoint,
    region: options.region ?? "us-east-1",
    credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
  });
  const arn = options.queueArn ?? `arn:aws:sqs:us-east-1:000000000000:${options.queueUrl.split("/").pop()}`;
  const toEvent = (messages: Message[]): SQSEvent => ({
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
        SentTimestamp: m.Attributes?.SentTimestamp ?? "0",
        SenderId: m.Attributes?.SenderId ?? "000000000000",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        ...(m.Attributes?.MessageGroupId ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
        ...(m.Attributes?.MessageDeduplicationId
          ? { MessageDeduplicationId: m.Attributes.MessageDeduplicationId }
          : {}),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody!,
      eventSource: "aws:sqs",
      eventSourceARN: arn,
      awsRegion: options.region ?? "us-east-1",
    })),
  });

  /** One receive → invoke → delete/return round; the number of messages handled. */
  async function round(waitSeconds: number, failed: string[], failedMessageIds: string[]): Promise<number> {
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        VisibilityTimeout: 600,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const messages = got.Messages ?? [];
    if (messages.length === 0) return 0;
    const response = await options.handler(
      toEvent(messages),
      lambdaContext("event-source", options.timeoutMs ?? 60_000),
    );
    const failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failedIds.has(m.MessageId!));
    for (const m of messages) {
      if (!failedIds.has(m.MessageId!)) continue;
      failed.push(m.ReceiptHandle!);
      failedMessageIds.push(m.MessageId!);
    }
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    return messages.length;
  }

  async function release(handles: string[]) {
    for (const handle of handles) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: options.queueUrl,
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        }),
      );
    }
  }

  /** One pass over what is visible now: every visible message is handed to the handler once. */
  async function pass(): Promise<{ invocations: number; failed: string[]; failedMessageIds: string[] }> {
    const failed: string[] = [];
    const failedMessageIds: string[] = [];
    let invocations = 0;
    const poller = async () => {
      while ((await round(0, failed, failedMessageIds)) > 0) invocations += 1;
    };
    await Promise.all(Array.from({ length: options.pollers ?? 8 }, poller));
    await release(failed);
    return { invocations, failed, failedMessageIds };
  }

  let running = false;
  let loop: Promise<void> | undefined;
  return {
    pass,
    sqs,
    queueUrl: options.queueUrl,
    /** Polls continuously (long polling), returning failed messages to the queue after each round. */
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          const failed: string[] = [];
          try {
            await round(1, failed, []);
            await release(failed);
          } catch {
            if (running) await new Promise((r) => setTimeout(r, 200));
          }
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
