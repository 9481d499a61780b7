import { createEventSource } from "@dirgate/dev";
import type { Sandbox } from "@dirgate/sandbox";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";

type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Lambda's SQS event source mapping over the sandbox's lookups queue (see @dirgate/dev's createEventSource). */
export function eventSource(
  sbx: Sandbox,
  handler: BatchHandler,
  options: { batchSize?: number; pollers?: number; queue?: string } = {},
) {
  const name = options.queue ?? sbx.queues.requests;
  return createEventSource({
    endpoint: sbx.sqs.emulator.baseUrl,
    queueUrl: sbx.sqs.queueUrl(name)!,
    queueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
    handler,
    batchSize: options.batchSize,
    pollers: options.pollers,
  });
}
