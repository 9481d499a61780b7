import { createHash, randomUUID } from "node:crypto";
import { type Dialect, Emulator, parseJsonBody, type Reply, type Route } from "./emulator.ts";

/**
 * Amazon SQS emulator speaking the AWS JSON 1.0 protocol (`POST /`, `X-Amz-Target:
 * AmazonSQS.<Operation>`), as the current `@aws-sdk/client-sqs` does: MD5 digests of bodies (the
 * SDK checks them), visibility timeouts, receive counts and a redrive policy to a dead-letter queue.
 */
interface Message {
  messageId: string;
  body: string;
  md5: string;
  sentAt: number;
  receiveCount: number;
  invisibleUntil: number;
  receiptHandle?: string;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  messages: Message[];
  visibilityTimeoutSeconds: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

const ACCOUNT = "000000000000";

/** One entry of SendMessageBatch or DeleteMessageBatch. */
type BatchEntry = { Id: string; MessageBody?: string; ReceiptHandle?: string };

export function createSqsEmulator(options: { region?: string; seed?: number } = {}) {
  const region = options.region ?? "us-east-1";
  const queues = new Map<string, Queue>();
  let emulator: Emulator;

  const awsError = (type: string, message: string, status = 400): Reply => ({
    status,
    headers: { "x-amzn-errortype": type, "content-type": "application/x-amz-json-1.0" },
    body: { __type: `com.amazonaws.sqs#${type}`, message },
  });
  const ok = (body: unknown): Reply => ({
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.0" },
    body,
  });
  const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

  const urlFor = (name: string) => `${emulator.baseUrl}/${ACCOUNT}/${name}`;
  const byUrl = (url: unknown): Queue | undefined => {
    if (typeof url !== "string") return undefined;
    const name = url.split("/").pop() ?? "";
    return queues.get(name);
  };

  /** Creates a queue from code; `deadLetterQueue` names an existing queue for the redrive policy. */
  function createQueue(
    name: string,
    settings: { visibilityTimeoutSeconds?: number; deadLetterQueue?: string; maxReceiveCount?: number } = {},
  ): string {
    const existing = queues.get(name);
    if (existing) return existing.url;
    const dlq = settings.deadLetterQueue ? queues.get(settings.deadLetterQueue) : undefined;
    queues.set(name, {
      name,
      url: urlFor(name),
      arn: `arn:aws:sqs:${region}:${ACCOUNT}:${name}`,
      messages: [],
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds ?? 30,
      redrive: dlq
        ? { deadLetterTargetArn: dlq.arn, maxReceiveCount: settings.maxReceiveCount ?? 5 }
        : undefined,
    });
    return urlFor(name);
  }

  function enqueue(queue: Queue, body: string): Message {
    const message = {
      messageId: randomUUID(),
      body,
      md5: md5(body),
      sentAt: Date.now(),
      receiveCount: 0,
      invisibleUntil: 0,
    };
    queue.messages.push(message);
    return message;
  }

  function receive(queue: Queue, max: number, visibilitySeconds: number): Message[] {
    const now = Date.now();
    const out: Message[] = [];
    for (const message of [...queue.messages]) {
      if (out.length >= max) break;
      if (message.invisibleUntil > now) continue;
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        // Redrive: the message has been received maxReceiveCount times; move it to the DLQ.
        queue.messages.splice(queue.messages.indexOf(message), 1);
        const dlq = [...queues.values()].find((q) => q.arn === queue.redrive?.deadLetterTargetArn);
        if (dlq) dlq.messages.push({ ...message, invisibleUntil: 0, receiptHandle: undefined });
        continue;
      }
      message.receiveCount += 1;
      message.invisibleUntil = now + visibilitySeconds * 1000;
      message.receiptHandle = `${message.messageId}#${randomUUID()}`;
      out.push(message);
    }
    return out;
  }

  /** The queue and the 1–10 entries of a batch request, or SQS's error for them. */
  function readBatch(
    input: Record<string, unknown>,
    entryName: string,
  ): { queue: Queue; entries: BatchEntry[] } | Reply {
    const queue = byUrl(input["QueueUrl"]);
    if (!queue) return awsError("QueueDoesNotExist", "The specified queue does not exist.");
    const entries = input["Entries"];
    if (!Array.isArray(entries) || entries.length === 0) {
      return awsError("EmptyBatchRequest", `There should be at least one ${entryName} in the request.`);
    }
    if (entries.length > 10)
      return awsError("TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10.");
    return { queue, entries: entries as BatchEntry[] };
  }

  const operations: Record<string, (input: Record<string, unknown>) => Reply> = {
    CreateQueue(input) {
      const name = input["QueueName"];
      if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) {
        return awsError(
          "InvalidParameterValue",
          "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        );
      }
      const attributes = (input["Attributes"] ?? {}) as Record<string, string>;
      const redrive = attributes["RedrivePolicy"]
        ? (JSON.parse(attributes["RedrivePolicy"]) as {
            deadLetterTargetArn: string;
            maxReceiveCount: number | string;
          })
        : undefined;
      const dlq = redrive
        ? [...queues.values()].find((q) => q.arn === redrive.deadLetterTargetArn)
        : undefined;
      return ok({
        QueueUrl: createQueue(name, {
          visibilityTimeoutSeconds: attributes["VisibilityTimeout"]
            ? Number(attributes["VisibilityTimeout"])
            : undefined,
          deadLetterQueue: dlq?.name,
          maxReceiveCount: redrive ? Number(redrive.maxReceiveCount) : undefined,
        }),
      });
    },
    GetQueueUrl(input) {
      const queue = queues.get(String(input["QueueName"]));
      return queue
        ? ok({ QueueUrl: queue.url })
        : awsError("QueueDoesNotExist", "The specified queue does not exist.");
    },
    SendMessage(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return awsError("QueueDoesNotExist", "The specified queue does not exist.");
      const body = input["MessageBody"];
      if (typeof body !== "string" || body.length === 0)
        return awsError("MissingParameter", "The request must contain the parameter MessageBody.");
      if (Buffer.byteLength(body) > 262_144)
        return awsError(
          "InvalidParameterValue",
          "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.",
        );
      const message = enqueue(queue, body);
      return ok({ MessageId: message.messageId, MD5OfMessageBody: message.md5 });
    },
    SendMessageBatch(input) {
      const batch = readBatch(input, "SendMessageBatchRequestEntry");
      if ("status" in batch) return batch;
      const { queue, entries } = batch;
      const ids = entries.map((e: { Id?: string }) => e.Id);
      if (new Set(ids).size !== ids.length)
        return awsError(
          "BatchEntryIdsNotDistinct",
          "Two or more batch entries in the request have the same Id.",
        );
      const total = entries.reduce(
        (n: number, e: { MessageBody?: string }) => n + Buffer.byteLength(e.MessageBody ?? ""),
        0,
      );
      if (total > 262_144)
        return awsError("BatchRequestTooLong", "Batch requests cannot be longer than 262144 bytes.");
      const successful = [];
      const failed = [];
      for (const entry of entries as { Id: string; MessageBody?: string }[]) {
        if (!entry.MessageBody) {
          failed.push({
            Id: entry.Id,
            SenderFault: true,
            Code: "MissingParameter",
            Message: "MessageBody is required",
          });
          continue;
        }
        const message = enqueue(queue, entry.MessageBody);
        successful.push({ Id: entry.Id, MessageId: message.messageId, MD5OfMessageBody: message.md5 });
      }
      return ok({ Successful: successful, ...(failed.length ? { Failed: failed } : {}) });
    },
    ReceiveMessage(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return awsError("QueueDoesNotExist", "The specified queue does not exist.");
      const max = typeof input["MaxNumberOfMessages"] === "number" ? input["MaxNumberOfMessages"] : 1;
      if (max < 1 || max > 10)
        return awsError(
          "InvalidParameterValue",
          "Value for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10.",
        );
      const visibility =
        typeof input["VisibilityTimeout"] === "number"
          ? input["VisibilityTimeout"]
          : queue.visibilityTimeoutSeconds;
      const messages = receive(queue, max, visibility);
      return ok({
        Messages: messages.map((m) => ({
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: m.md5,
          Body: m.body,
          Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
        })),
      });
    },
    DeleteMessage(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return awsError("QueueDoesNotExist", "The specified queue does not exist.");
      const index = queue.messages.findIndex((m) => m.receiptHandle === input["ReceiptHandle"]);
      if (index < 0) return awsError("ReceiptHandleIsInvalid", "The input receipt handle is invalid.");
      queue.messages.splice(index, 1);
      return ok({});
    },
    DeleteMessageBatch(input) {
      const batch = readBatch(input, "DeleteMessageBatchRequestEntry");
      if ("status" in batch) return batch;
      const { queue, entries } = batch;
      const successful = [];
      const failed = [];
      for (const entry of entries as { Id: string; ReceiptHandle?: string }[]) {
        const index = queue.messages.findIndex((m) => m.receiptHandle === entry.ReceiptHandle);
        if (index < 0) {
          failed.push({
            Id: entry.Id,
            SenderFault: true,
            Code: "ReceiptHandleIsInvalid",
            Message: "The input receipt handle is invalid.",
          });
          continue;
        }
        queue.messages.splice(index, 1);
        successful.push({ Id: entry.Id });
      }
      return ok({ Successful: successful, ...(failed.length ? { Failed: failed } : {}) });
    },
    ChangeMessageVisibility(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return awsError("QueueDoesNotExist", "The specified queue does not exist.");
      const message = queue.messages.find((m) => m.receiptHandle === input["ReceiptHandle"]);
      if (!message) return awsError("ReceiptHandleIsInvalid", "The input receipt handle is invalid.");
      message.invisibleUntil = Date.now() + Number(input["VisibilityTimeout"] ?? 0) * 1000;
      return ok({});
    },
    GetQueueAttributes(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return awsError("QueueDoesNotExist", "The specified queue does not exist.");
      const now = Date.now();
      return ok({
        Attributes: {
          QueueArn: queue.arn,
          ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.invisibleUntil <= now).length),
          ApproximateNumberOfMessagesNotVisible: String(
            queue.messages.filter((m) => m.invisibleUntil > now).length,
          ),
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
          ...(queue.redrive ? { RedrivePolicy: JSON.stringify(queue.redrive) } : {}),
        },
      });
    },
    PurgeQueue(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return awsError("QueueDoesNotExist", "The specified queue does not exist.");
      queue.messages = [];
      return ok({});
    },
  };

  const dialect: Dialect = {
    authenticate(req) {
      const auth = String(req.headers["authorization"] ?? "");
      if (!auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
        return awsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
      }
      return { app: auth.slice(28).split("/")[0] ?? "unknown" };
    },
    fault(kind) {
      switch (kind) {
        case "http500":
        case "busy":
          return awsError(
            "InternalFailure",
            "The request processing has failed because of an unknown error.",
            500,
          );
        case "http502":
          return { status: 502, body: "<html><body>502 Bad Gateway</body></html>" };
        case "http503":
          return awsError(
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
            503,
          );
        case "malformedJson":
          return {
            status: 200,
            headers: { "content-type": "application/x-amz-json-1.0" },
            body: '{"Successful":[{"Id"',
          };
        default:
          return awsError("RequestThrottled", "Request is throttled.");
      }
    },
    rateLimited: () => awsError("RequestThrottled", "Request is throttled."),
    notFound: () => awsError("UnsupportedOperation", "Not Found", 404),
    revokeTokens: () => {},
    reset: () => {
      for (const queue of queues.values()) {
        queue.messages = [];
      }
    },
  };

  const routes: Route[] = [
    {
      method: "POST",
      pattern: "/",
      name: "request",
      auth: true,
      handle(req, ctx) {
        const target = String(req.headers["x-amz-target"] ?? "");
        const operation = target.startsWith("AmazonSQS.") ? operations[target.slice(10)] : undefined;
        if (!operation) return awsError("UnsupportedOperation", `Unknown operation ${target}`);
        ctx.count(target.slice(10));
        const input = parseJsonBody(req);
        if (!input) return awsError("InvalidParameterValue", "Request body must be a JSON object");
        return operation(input);
      },
    },
  ];

  emulator = new Emulator({ name: "sqs", routes, dialect, seed: options.seed });
  return {
    emulator,
    region,
    createQueue,
    /** Every message in a queue (visible or not), bodies parsed as JSON where they are. */
    messages(name: string): { messageId: string; body: string; receiveCount: number }[] {
      return (queues.get(name)?.messages ?? []).map((m) => ({
        messageId: m.messageId,
        body: m.body,
        receiveCount: m.receiveCount,
      }));
    },
    queueUrl: (name: string) => queues.get(name)?.url,
  };
}

export type SqsEmulator = ReturnType<typeof createSqsEmulator>;
