export {
  type BatchMessage,
  BatchMessageSchema,
  type BatchResult,
  isTransient,
  lookupBatch,
  type ResultSink,
  sqsResultSink,
} from "./batch.ts";
export { ConnectionRegistry, PROVIDER_DEFAULT_RATE } from "./connections.ts";
export type { LookupContext, LookupState } from "./context.ts";
export { renderDocsPage } from "./docs-page.ts";
export { isHttpEvent } from "./event.ts";
export { lookup, lookupMiddlewares } from "./lookup.ts";
export { meta, metaMiddlewares } from "./meta.ts";
export { callerIdentities } from "./middleware/caller.ts";
export { LookupFailedError } from "./middleware/problem-json.ts";
export { buildOpenApiDocument } from "./openapi.ts";
export { type Problem, problemResponse, toProblem } from "./problem.ts";
export { ConnectionIdSchema, ROUTES, type RouteDefinition, type RouteName, routeByName } from "./routes.ts";
export { createRuntime, type Runtime, type RuntimeOverrides } from "./runtime.ts";
export { readSettings, type Settings } from "./settings.ts";
