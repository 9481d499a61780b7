import { changesMiddlewares, changesProcessor, createRuntime, readSettings } from "@dirgate/lambda";
import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

/** The `Changes` FIFO queue's consumer: re-reads each changed subject, publishes one event per change. */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(changesMiddlewares(runtime))
  .handler(changesProcessor(runtime));
