import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import type { Sandbox } from "@dirgate/sandbox";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createEventSource } from "./event-source.ts";

/** The local stand-ins of what `sst.config.ts` declares for change events. */
export const CHANGE_PIPELINE = {
  changesQueue: "dirgate-changes.fifo",
  changesDeadLetterQueue: "dirgate-changes-dlq.fifo",
  bus: "dirgate-directory-events",
  /** Where a sandbox rule copies every dirgate event, so it can be read (`aws sqs receive-message`). */
  eventsQueue: "dirgate-directory-events",
} as const;

export interface ChangePipeline {
  changesQueueUrl: string;
  eventsQueueUrl: string;
  busName: string;
  /** Starts feeding the `Changes` queue to the processor (one poller: FIFO order), until `stop`. */
  start(processor: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>): void;
  /** Hands what is queued now to the processor once (tests). */
  drain(processor: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Declares, on the sandbox, the change-event infrastructure the deploy declares on AWS: the
 * `Changes` FIFO queue with its dead-letter queue, the `DirectoryEvents` bus, and a rule copying
 * every `source: dirgate` event to a queue one can read.
 */
export async function createChangePipeline(sbx: Sandbox): Promise<ChangePipeline> {
  const names = CHANGE_PIPELINE;
  if (!sbx.sqs.queueUrl(names.changesDeadLetterQueue))
    sbx.sqs.createQueue(names.changesDeadLetterQueue, { fifo: true });
  if (!sbx.sqs.queueUrl(names.changesQueue)) {
    sbx.sqs.createQueue(names.changesQueue, {
      fifo: true,
      visibilityTimeoutSeconds: 30,
      deadLetterQueue: names.changesDeadLetterQueue,
      maxReceiveCount: 5,
    });
  }
  if (!sbx.sqs.queueUrl(names.eventsQueue)) sbx.sqs.createQueue(names.eventsQueue);
  const events = new EventBridgeClient({
    endpoint: sbx.eventBridge.emulator.baseUrl,
    region: sbx.eventBridge.region,
    credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
  });
  await events.send(new CreateEventBusCommand({ Name: names.bus })).catch((error: { name?: string }) => {
    if (error?.name !== "ResourceAlreadyExistsException") throw error;
  });
  await events.send(
    new PutRuleCommand({
      Name: "all-dirgate-events",
      EventBusName: names.bus,
      EventPattern: '{"source":["dirgate"]}',
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "all-dirgate-events",
      EventBusName: names.bus,
      Targets: [{ Id: "events-queue", Arn: sbx.sqs.queueArn(names.eventsQueue)! }],
    }),
  );
  events.destroy();
  const changesQueueUrl = sbx.sqs.queueUrl(names.changesQueue)!;
  let source: ReturnType<typeof createEventSource> | undefined;
  const sourceFor = (processor: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) =>
    createEventSource({
      endpoint: sbx.sqs.emulator.baseUrl,
      queueUrl: changesQueueUrl,
      queueArn: sbx.sqs.queueArn(names.changesQueue),
      handler: processor,
      pollers: 1,
      timeoutMs: 30_000,
    });
  return {
    changesQueueUrl,
    eventsQueueUrl: sbx.sqs.queueUrl(names.eventsQueue)!,
    busName: names.bus,
    start(processor) {
      source ??= sourceFor(processor);
      source.start();
    },
    async drain(processor) {
      await sourceFor(processor).pass();
    },
    async stop() {
      await source?.stop();
    },
  };
}
