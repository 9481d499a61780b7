export { CHANGE_PIPELINE, type ChangePipeline, createChangePipeline } from "./change-pipeline.ts";
export { CONNECTIONS_USAGE, type ConnectionsCliIo, runConnectionsCli } from "./connections-cli.ts";
export { maskConnection } from "./connections-commands.ts";
export {
  DEFAULT_SECRETS_MANAGER_PORT,
  EnvironmentError,
  type LocalEnvironment,
  readLocalEnvironment,
  resolveAws,
} from "./environment.ts";
export { createEventSource, type EventSourceOptions } from "./event-source.ts";
export {
  allowedMethods,
  buildHttpEvent,
  type HttpRequestShape,
  type LambdaHandler,
  lambdaContext,
  matchRoute,
  REQUEST_LIMITS,
  startLocalServer,
} from "./local-server.ts";
export { buildOpenApiDocument } from "./openapi.ts";
