import { batchMiddlewares, createRuntime, lookupBatch, readSettings } from "@dirgate/lambda";
import middy from "@middy/core";

/** SQS consumer of `{ id, connection, operation, input }` records; results go to DIRGATE_RESULTS_QUEUE_URL. */
const runtime = createRuntime(readSettings(process.env), { paceEveryConnection: true });

export const handler = middy().use(batchMiddlewares(runtime)).handler(lookupBatch(runtime));
