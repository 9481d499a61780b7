export {
  buildHttpEvent,
  type HttpRequestShape,
  type LambdaHandler,
  lambdaContext,
  matchRoute,
  startLocalServer,
} from "./local-server.ts";
export { buildOpenApiDocument } from "./openapi.ts";
