export { assertAllowed, callerIdentities } from "./access.ts";
export {
  type BatchMessage,
  BatchMessageSchema,
  type BatchResult,
  batchMiddlewares,
  lookupBatch,
  type ResultSink,
  sqsResultSink,
} from "./batch.ts";
export { type ChangeMessage, callbackHandler, callbackMiddlewares, MAX_CALLBACK_BYTES } from "./callback.ts";
export { changesMiddlewares, changesProcessor } from "./changes.ts";
export { ConnectionStore, type LoadedConnection } from "./connection-store.ts";
export { eventKind, readDirectRequest, readHttpRequest, validateRequest } from "./event.ts";
export { type BusEvent, createEventPublisher, type EventPublisher } from "./events.ts";
export { meta, metaMiddlewares } from "./meta.ts";
export { LookupFailedError } from "./middleware/event-adapter.ts";
export { operationMiddlewares, runOperation } from "./operation.ts";
export { type Problem, problemResponse, toProblem } from "./problem.ts";
export { createRuntime, type Runtime, type RuntimeOverrides } from "./runtime.ts";
export { createSecretReader, type SecretReader } from "./secrets.ts";
export { awsEndpoint, readSettings, type Settings } from "./settings.ts";
export { createMessageSender, type MessageSender, type OutgoingMessage } from "./sqs.ts";
export type { AdaptedContext, OperationContext, OperationState } from "./state.ts";
