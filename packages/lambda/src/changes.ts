import { createHash } from "node:crypto";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type CallOptions, DirgateError, isRetryable, toProblem } from "@dirgate/core";
import type { DirectoryChange } from "@dirgate/providers";
import type middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import * as z from "zod";
import type { ChangeMessage } from "./callback.ts";
import { type BusEvent, createEventPublisher, type EventPublisher } from "./events.ts";
import type { Runtime } from "./runtime.ts";

const ChangeMessageSchema = z.object({
  v: z.literal(1),
  connection: z.string().min(1),
  provider: z.string().min(1),
  change: z.object({
    kind: z.enum(["user", "department"]),
    action: z.enum(["created", "updated", "deleted"]),
    id: z.string().min(1),
    newId: z.string().optional(),
    idType: z.enum(["openId", "openDepartmentId"]).optional(),
    occurredAt: z.string(),
    upstream: z.object({ type: z.string(), eventId: z.string() }),
  }),
});

/** The change processor's chain: logging with the request id. */
export function changesMiddlewares(runtime: Runtime): middy.MiddlewareObj<SQSEvent, SQSBatchResponse>[] {
  return [
    injectLambdaContext(runtime.logger, { resetKeys: true }) as middy.MiddlewareObj<
      SQSEvent,
      SQSBatchResponse
    >,
  ];
}

/**
 * The `Changes` consumer: payloads carry only ids, so each change's user or department is read
 * again through the connection's provider client (a deleted one is not), and one normalised event
 * per change goes to the `DirectoryEvents` bus (`source: "dirgate"`, `detail-type:
 * "directory.user.created|updated|deleted"` or `"directory.department.…"`). The queue is FIFO and
 * grouped per subject: once a record of a group fails, the later ones of that group are handed
 * back too, so a subject's events keep their order. Retryable failures go back to SQS (then its
 * DLQ); an unusable record (not a change message) is logged and dropped, never retried forever.
 */
export function changesProcessor(runtime: Runtime, publish?: EventPublisher) {
  let publisher = publish;
  const bus = () => {
    publisher ??= createEventPublisher(runtime.settings);
    return publisher;
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const remaining =
      typeof context?.getRemainingTimeInMillis === "function"
        ? context.getRemainingTimeInMillis()
        : undefined;
    const deadline =
      remaining === undefined ? undefined : Date.now() + remaining - runtime.settings.deadlineMarginMs;
    const failedGroups = new Set<string>();
    const failures: string[] = [];
    const ready: { record: SQSRecord; event: BusEvent }[] = [];
    for (const record of event.Records ?? []) {
      const group = record.attributes?.MessageGroupId ?? record.messageId;
      if (failedGroups.has(group)) {
        failures.push(record.messageId);
        continue;
      }
      try {
        const message = readMessage(record);
        if (!message) continue;
        ready.push({
          record,
          event: await toBusEvent(runtime, message, { deadline, requestId: record.messageId }),
        });
      } catch (error) {
        if (!isRetryable(error)) {
          runtime.logger.error("change dropped", {
            messageId: record.messageId,
            code: (error as DirgateError)?.code,
          });
          continue;
        }
        runtime.logger.warn("change will be retried", {
          messageId: record.messageId,
          code: (error as DirgateError)?.code,
        });
        failedGroups.add(group);
        failures.push(record.messageId);
      }
    }
    const unsent =
      ready.length > 0
        ? await bus()(
            ready.map((r) => r.event),
            { deadline },
          )
        : new Set<number>();
    ready.forEach((r, i) => {
      if (unsent.has(i)) failures.push(r.record.messageId);
    });
    runtime.logger.info("changes published", {
      records: event.Records?.length ?? 0,
      published: ready.length - unsent.size,
      retries: failures.length,
    });
    return { batchItemFailures: failures.map((id) => ({ itemIdentifier: id })) };
  };
}

function readMessage(record: SQSRecord): ChangeMessage | undefined {
  try {
    const parsed = ChangeMessageSchema.safeParse(JSON.parse(record.body));
    if (parsed.success) return parsed.data as ChangeMessage;
  } catch {
    // logged below
  }
  return undefined;
}

/** The bus event for one change, with the subject read again (unless deleted). */
async function toBusEvent(runtime: Runtime, message: ChangeMessage, options: CallOptions): Promise<BusEvent> {
  const { connection, provider, change } = message;
  const subjectId = change.newId ?? change.id;
  const detail: Record<string, unknown> = {
    eventId: eventIdOf(message),
    connection,
    provider,
    occurredAt: change.occurredAt,
    [change.kind === "user" ? "userId" : "departmentId"]: subjectId,
    ...(change.newId
      ? { [change.kind === "user" ? "previousUserId" : "previousDepartmentId"]: change.id }
      : {}),
    upstream: change.upstream,
  };
  let action = change.action;
  if (action !== "deleted") {
    const loaded = await runtime.connections.get(connection, options);
    try {
      const read: unknown = await runtime.connections.withClient(
        loaded,
        (client): Promise<unknown> =>
          change.kind === "user"
            ? client.run(
                "userById",
                { userId: subjectId, idType: change.idType === "openId" ? "openId" : "userId" },
                options,
              )
            : client.run(
                "department",
                {
                  departmentId: subjectId,
                  ...(change.idType === "openDepartmentId"
                    ? { departmentIdType: "openDepartmentId" as const }
                    : {}),
                },
                options,
              ),
        options,
      );
      detail[change.kind] = read;
    } catch (error) {
      if (
        error instanceof DirgateError &&
        (error.code === "USER_NOT_FOUND" || error.code === "DEPARTMENT_NOT_FOUND")
      ) {
        // Gone (or out of the app's scope) by the time we read it: for the subscriber, deleted.
        action = "deleted";
      } else if (error instanceof DirgateError && !error.retryable) {
        // It cannot be read (a missing scope, an operation the provider lacks): the ids still go out.
        detail["readError"] = toProblem(error, options.requestId ?? "");
      } else {
        throw error;
      }
    }
  }
  return { detailType: `directory.${change.kind}.${action}`, detail };
}

/** Stable per change: a subscriber can deduplicate redeliveries (the bus is at-least-once). */
function eventIdOf({ connection, change }: { connection: string; change: DirectoryChange }): string {
  return createHash("sha256")
    .update([connection, change.upstream.eventId, change.kind, change.id, change.action].join("\n"))
    .digest("hex")
    .slice(0, 32);
}
