import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { lambdaContext } from "@dirgate/dev";
import type { Sandbox } from "@dirgate/sandbox";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";

type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Plays Lambda's SQS event source mapping against the SQS emulator: receive up to `batchSize`
 * messages, invoke the handler with an SQS event, delete what it did not report as failed, and
 * make the failed ones visible again (ReportBatchItemFailures).
 */
export function eventSource(
  sbx: Sandbox,
  handler: BatchHandler,
  options: { batchSize?: number; pollers?: number } = {},
) {
  const sqs = new SQSClient({
    endpoint: sbx.sqs.emulator.baseUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
  });
  const queueUrl = sbx.sqs.queueUrl(sbx.queues.requests)!;
  const toEvent = (messages: Message[]): SQSEvent => ({
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
        SentTimestamp: m.Attributes?.SentTimestamp ?? "0",
        SenderId: "000000000000",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody!,
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${sbx.queues.requests}`,
      awsRegion: "us-east-1",
    })),
  });

  /** One pass over what is visible now: every visible message is handed to the handler once. */
  async function pass(): Promise<{ invocations: number; failed: string[]; failedMessageIds: string[] }> {
    const failed: string[] = [];
    const failedMessageIds: string[] = [];
    let invocations = 0;
    const poller = async () => {
      for (;;) {
        const got = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: options.batchSize ?? 10,
            VisibilityTimeout: 600,
            MessageSystemAttributeNames: ["All"],
          }),
        );
        const messages = got.Messages ?? [];
        if (messages.length === 0) return;
        invocations += 1;
        const response = await handler(toEvent(messages), lambdaContext("lookup-batch", 60_000));
        const failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        const done = messages.filter((m) => !failedIds.has(m.MessageId!));
        for (const m of messages) {
          if (!failedIds.has(m.MessageId!)) continue;
          failed.push(m.ReceiptHandle!);
          failedMessageIds.push(m.MessageId!);
        }
        if (done.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: options.pollers ?? 8 }, poller));
    for (const handle of failed) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        }),
      );
    }
    return { invocations, failed, failedMessageIds };
  }
  return { pass, sqs, queueUrl };
}
