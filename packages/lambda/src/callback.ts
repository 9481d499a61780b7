import { createHash } from "node:crypto";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { ConnectionIdSchema, DirgateError, type ErrorCode } from "@dirgate/core";
import {
  type ConnectionConfig,
  DingTalkCallbackSchema,
  type DirectoryChange,
  FeishuCallbackSchema,
  isCallbackVerificationError,
  type ReceivedCallback,
  receiveDingTalk,
  receiveFeishu,
  receiveWeCom,
  WeComCallbackSchema,
} from "@dirgate/providers";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { problemResponse } from "./problem.ts";
import type { Runtime } from "./runtime.ts";
import { createMessageSender, type MessageSender } from "./sqs.ts";

/** A change on the `Changes` queue: what the processor re-reads and publishes. */
export interface ChangeMessage {
  v: 1;
  connection: string;
  provider: ConnectionConfig["provider"];
  change: DirectoryChange;
}

/** Bodies beyond this are refused before anything is parsed (no provider sends more). */
export const MAX_CALLBACK_BYTES = 64 * 1024;

/** Each provider's deadline for the answer (PROTOCOLS §7): what we keep of it for our own work. */
const PROVIDER_DEADLINE_MS: Record<string, number> = { dingtalk: 1_500, feishu: 3_000, wecom: 5_000 };
const ANSWER_MARGIN_MS = 300;

/** The callback Lambda's chain: logging with the request id; the handler answers every outcome itself. */
export function callbackMiddlewares(
  runtime: Runtime,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>[] {
  return [
    injectLambdaContext(runtime.logger, { resetKeys: true }) as middy.MiddlewareObj<
      APIGatewayProxyEventV2,
      APIGatewayProxyStructuredResultV2
    >,
  ];
}

/**
 * `GET|POST /v1/connections/{connection}/callback`: verifies a provider's change callback (signature
 * on the raw body, replay window, token, receive id), decrypts it, answers URL verification, and
 * puts each change on the `Changes` FIFO queue (deduplicated by the provider's event id, grouped per
 * connection and subject for ordering) before acknowledging in the provider's format. Nothing
 * queued is ever unacknowledged-and-lost the other way round either: if queueing fails the answer
 * is a 5xx, so the provider retries. Refusals are 401/400/413 problems, logged without secrets.
 */
export function callbackHandler(runtime: Runtime, send?: MessageSender) {
  const { settings, logger } = runtime;
  let sender = send;
  const queue = () => {
    if (sender) return sender;
    if (!settings.changesQueueUrl)
      throw new Error("DIRGATE_CHANGES_QUEUE_URL is required by the callback receiver");
    sender = createMessageSender(settings, settings.changesQueueUrl);
    return sender;
  };

  return async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = context?.awsRequestId ?? "local";
    const started = Date.now();
    let provider: ConnectionConfig["provider"] | undefined;
    const remaining =
      typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : 10_000;
    try {
      const body = rawBody(event);
      const id = ConnectionIdSchema.safeParse(event.pathParameters?.["connection"]);
      if (!id.success) throw refused("the callback names no valid connection");
      logger.appendKeys({ connection: id.data });
      const budget = Math.min(remaining - settings.deadlineMarginMs, 5_000);
      let loaded: Awaited<ReturnType<Runtime["connections"]["get"]>>;
      try {
        loaded = await runtime.connections.get(id.data, { deadline: started + budget });
      } catch (error) {
        // An unknown connection is answered like a bad signature: no way to enumerate connections.
        if (error instanceof DirgateError && error.code === "CONNECTION_NOT_FOUND")
          throw refused("no such connection");
        throw error;
      }
      const connectionProvider = loaded.config.provider;
      provider = connectionProvider;
      const deadline =
        started + Math.min(budget, (PROVIDER_DEADLINE_MS[provider] ?? 3_000) - ANSWER_MARGIN_MS);
      const received = receive(loaded.config, {
        method: event.requestContext.http.method,
        query: event.queryStringParameters ?? {},
        headers: lowerCase(event.headers ?? {}),
        body,
        now: Date.now(),
      });
      if (received.kind === "event" && received.changes.length > 0) {
        const messages = received.changes.map((change) => toMessage(loaded.id, connectionProvider, change));
        const unsent = await queue()(messages, { deadline });
        if (unsent.size > 0) {
          throw new DirgateError(
            "UPSTREAM_UNAVAILABLE",
            "the change could not be stored; the provider will retry",
            {
              retryable: true,
            },
          );
        }
      }
      logger.info("callback accepted", {
        provider,
        kind: received.kind,
        upstreamType: received.upstreamType,
        changes: received.kind === "event" ? received.changes.length : 0,
        ms: Date.now() - started,
      });
      return {
        statusCode: received.reply.status,
        headers: received.reply.headers,
        body: received.reply.body,
      };
    } catch (error) {
      const failure = explain(error);
      const response = problemResponse(failure, requestId);
      // RFC 9110 §15.5.6: a 405 says which methods the resource takes (the provider's own).
      if (failure instanceof DirgateError && failure.code === "METHOD_NOT_ALLOWED")
        response.headers["allow"] = provider === "wecom" ? "GET, POST" : "POST";
      logger.warn(response.statusCode >= 500 ? "callback failed" : "callback refused", {
        status: response.statusCode,
        code: failure instanceof DirgateError ? failure.code : "INTERNAL",
        reason: isCallbackVerificationError(error) ? error.reason : undefined,
      });
      return response;
    }
  };
}

function receive(config: ConnectionConfig, request: Parameters<typeof receiveFeishu>[1]): ReceivedCallback {
  const credentials = config.callback;
  if (!credentials) throw refused("the connection has no callback credentials");
  switch (config.provider) {
    case "dingtalk": {
      const parsed = DingTalkCallbackSchema.safeParse(credentials);
      if (!parsed.success) throw misconfigured("dingtalk");
      return receiveDingTalk({ ...parsed.data, appKey: config.appKey }, request);
    }
    case "feishu": {
      const parsed = FeishuCallbackSchema.safeParse(credentials);
      if (!parsed.success) throw misconfigured("feishu");
      return receiveFeishu(parsed.data, request);
    }
    case "wecom": {
      const parsed = WeComCallbackSchema.safeParse(credentials);
      if (!parsed.success) throw misconfigured("wecom");
      return receiveWeCom({ ...parsed.data, corpId: config.corpId }, request);
    }
    default:
      throw refused(`${config.provider} connections receive no callbacks`);
  }
}

/** One change as a FIFO message: ordered per connection and subject, deduplicated by the provider's event. */
function toMessage(connection: string, provider: ChangeMessage["provider"], change: DirectoryChange) {
  const message: ChangeMessage = { v: 1, connection, provider, change };
  const hash = (...parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("base64url");
  return {
    body: JSON.stringify(message),
    groupId: hash(connection, change.kind, change.id).slice(0, 64),
    deduplicationId: hash(connection, change.upstream.eventId, change.kind, change.id, change.action),
  };
}

function rawBody(event: APIGatewayProxyEventV2): Buffer {
  const body = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8")
    : Buffer.alloc(0);
  if (body.length > MAX_CALLBACK_BYTES) {
    throw new DirgateError("REQUEST_TOO_LARGE", `a callback body is at most ${MAX_CALLBACK_BYTES} bytes`);
  }
  return body;
}

function lowerCase(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function refused(message: string): DirgateError {
  return new DirgateError("UNAUTHENTICATED", `callback not accepted: ${message}`);
}

function misconfigured(provider: string): DirgateError {
  return new DirgateError(
    "CONFIG_INVALID",
    `the connection's callback credentials are not valid ${provider} ones`,
  );
}

/** A verification failure as the caller hears it: 401 for authenticity, 400 for shape, 413 for size. */
function explain(error: unknown): unknown {
  if (!isCallbackVerificationError(error)) return error;
  const code: ErrorCode =
    error.reason === "malformed" || error.reason === "forbidden-markup"
      ? "INVALID_REQUEST"
      : error.reason === "too-large"
        ? "REQUEST_TOO_LARGE"
        : error.reason === "wrong-method"
          ? "METHOD_NOT_ALLOWED"
          : "UNAUTHENTICATED";
  return new DirgateError(code, `callback not accepted: ${error.message}`);
}
