import { createRuntime, meta, metaMiddlewares, readSettings } from "@dirgate/lambda";
import middy from "@middy/core";

/** GET /v1/health, GET /v1/openapi.json, GET /docs — no credentials touched. */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy().use(metaMiddlewares(runtime)).handler(meta(runtime));
