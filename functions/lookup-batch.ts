import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { createRuntime, lookupBatch, readSettings } from "@dirgate/lambda";
import middy from "@middy/core";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

/** SQS consumer of `{ id, connection, operation, input }` records; results go to DIRGATE_RESULTS_QUEUE_URL. */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(runtime.logger, { resetKeys: true }))
  .handler(lookupBatch(runtime));
