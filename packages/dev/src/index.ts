export { CHANGE_PIPELINE, type ChangePipeline, createChangePipeline } from "./change-pipeline.ts";
export { createEventSource, type EventSourceOptions } from "./event-source.ts";
export {
  buildHttpEvent,
  type HttpRequestShape,
  type LambdaHandler,
  lambdaContext,
  matchRoute,
  startLocalServer,
} from "./local-server.ts";
export { buildOpenApiDocument } from "./openapi.ts";
