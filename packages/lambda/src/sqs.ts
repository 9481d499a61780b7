import type { CallOptions } from "@dirgate/core";
import { awsUnavailable, createAwsJsonClient } from "./aws-json.ts";
import type { Settings } from "./settings.ts";

/** One message to send: its body, and for FIFO queues its group and deduplication ids. */
export interface OutgoingMessage {
  body: string;
  groupId?: string;
  deduplicationId?: string;
}

/** Sends messages to one queue, 10 per `SendMessageBatch`; returns the indexes that were not sent. */
export type MessageSender = (messages: OutgoingMessage[], options?: CallOptions) => Promise<Set<number>>;

/** `SendMessageBatch` over SQS's AWS JSON 1.0 protocol (aws-json.ts): no SDK client in the bundle. */
export function createMessageSender(settings: Settings, queueUrl: string): MessageSender {
  const call = createAwsJsonClient({
    service: "sqs",
    targetPrefix: "AmazonSQS",
    version: "1.0",
    region: settings.region,
    endpoint: settings.sqsEndpoint,
    credentials: settings.credentials,
  });
  return async (messages, options) => {
    const failed = new Set<number>();
    const chunks: number[][] = [];
    for (let i = 0; i < messages.length; i += 10) chunks.push(messages.slice(i, i + 10).map((_, j) => i + j));
    await Promise.all(
      chunks.map(async (indexes) => {
        try {
          const out = await call<{ Failed?: { Id: string }[] }>(
            "SendMessageBatch",
            {
              QueueUrl: queueUrl,
              Entries: indexes.map((index) => {
                const m = messages[index]!;
                return {
                  Id: String(index),
                  MessageBody: m.body,
                  ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
                  ...(m.deduplicationId ? { MessageDeduplicationId: m.deduplicationId } : {}),
                };
              }),
            },
            (error) => awsUnavailable("the queue", error),
            options,
          );
          for (const entry of out.Failed ?? []) failed.add(Number(entry.Id));
        } catch {
          for (const index of indexes) failed.add(index);
        }
      }),
    );
    return failed;
  };
}
