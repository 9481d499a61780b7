import { createHash, randomUUID } from "node:crypto";
import {
  type Dialect,
  Emulator,
  type EmulatorOptions,
  parseJsonBody,
  type Reply,
  type Route,
} from "./emulator.ts";

/**
 * Amazon SQS emulator speaking the AWS JSON 1.0 protocol (`POST /`, `X-Amz-Target:
 * AmazonSQS.<Operation>`), which both the current `@aws-sdk/client-sqs` and botocore (the `aws`
 * CLI) use. Errors carry `x-amzn-query-error: <legacy code>;Sender` as SQS sends for its
 * query-compatible JSON protocol. Long polling, message attributes with AWS's MD5 digests,
 * delays, visibility timeouts, FIFO queues (groups, deduplication), a redrive policy to a
 * dead-letter queue.
 *
 * Sources: the botocore model `sqs/2012-11-05` (operations, attribute names), the SDK's error
 * registry (query codes and HTTP statuses), LocalStack's AWS-validated snapshots
 * (`tests/aws/services/sqs`: messages, defaults, recorded MD5s).
 */
interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as it travels in JSON. */
  BinaryValue?: string;
}

type AttributeMap = Record<string, MessageAttributeValue>;

interface Message {
  messageId: string;
  body: string;
  md5: string;
  attributes: AttributeMap;
  md5OfAttributes?: string;
  traceHeader?: string;
  md5OfSystemAttributes?: string;
  senderId: string;
  sentAt: number;
  /** Not receivable before (DelaySeconds). */
  availableAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** In flight until (visibility timeout). */
  invisibleUntil: number;
  receiptHandle?: string;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
  deadLetterSourceArn?: string;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  /** Settable attributes by their SQS names, as strings (as GetQueueAttributes answers). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  createdAt: number;
  lastModifiedAt: number;
  messages: Message[];
  /** Every receipt handle issued, to tell a stale handle from a forged one. */
  handles: Map<string, Message>;
  /** FIFO deduplication: id (or group + id) → first message, for 5 minutes. */
  deduplication: Map<string, { messageId: string; sequenceNumber?: string; expiresAt: number }>;
  lastPurgeAt?: number;
  /** Long polls waiting on this queue. */
  waiters: Set<() => void>;
}

/** What a send carries, from SendMessage, a batch entry or another emulator (EventBridge). */
interface SendInput {
  MessageBody?: unknown;
  DelaySeconds?: unknown;
  MessageAttributes?: unknown;
  MessageSystemAttributes?: unknown;
  MessageGroupId?: unknown;
  MessageDeduplicationId?: unknown;
}

/** An SQS error before it is rendered: a whole reply, or a batch entry's `Failed` item. */
class SqsFailure {
  constructor(
    readonly type: string,
    readonly message?: string,
  ) {}
}

/** Settings of `createQueue` (code); `attributes` takes any SQS queue attribute by its real name. */
export interface QueueSettings {
  visibilityTimeoutSeconds?: number;
  deadLetterQueue?: string;
  maxReceiveCount?: number;
  delaySeconds?: number;
  receiveMessageWaitTimeSeconds?: number;
  fifo?: boolean;
  contentBasedDeduplication?: boolean;
  attributes?: Record<string, string>;
}

const ACCOUNT = "000000000000";
const CONTENT_TYPE = "application/x-amz-json-1.0";
const MAX_MESSAGE_BYTES = 1_048_576;
const DEDUPLICATION_WINDOW_MS = 5 * 60_000;
const ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
const BATCH_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
/** The characters SQS accepts in a body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
const INVALID_BODY = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Query-protocol code and HTTP status of each error SQS answers (the SDK's error registry). */
const ERRORS: Record<string, [queryCode: string, status: number]> = {
  QueueDoesNotExist: ["AWS.SimpleQueueService.NonExistentQueue", 400],
  QueueNameExists: ["QueueAlreadyExists", 400],
  QueueDeletedRecently: ["AWS.SimpleQueueService.QueueDeletedRecently", 400],
  ReceiptHandleIsInvalid: ["ReceiptHandleIsInvalid", 404],
  MessageNotInflight: ["AWS.SimpleQueueService.MessageNotInflight", 400],
  TooManyEntriesInBatchRequest: ["AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400],
  EmptyBatchRequest: ["AWS.SimpleQueueService.EmptyBatchRequest", 400],
  BatchEntryIdsNotDistinct: ["AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400],
  BatchRequestTooLong: ["AWS.SimpleQueueService.BatchRequestTooLong", 400],
  InvalidBatchEntryId: ["AWS.SimpleQueueService.InvalidBatchEntryId", 400],
  PurgeQueueInProgress: ["AWS.SimpleQueueService.PurgeQueueInProgress", 403],
  UnsupportedOperation: ["AWS.SimpleQueueService.UnsupportedOperation", 400],
  InvalidAttributeName: ["InvalidAttributeName", 400],
  InvalidAttributeValue: ["InvalidAttributeValue", 400],
  InvalidMessageContents: ["InvalidMessageContents", 400],
  InvalidParameterValueException: ["InvalidParameterValue", 400],
  MissingRequiredParameterException: ["MissingParameter", 400],
  RequestThrottled: ["RequestThrottled", 403],
  InvalidSecurity: ["InvalidSecurity", 403],
  MissingAuthenticationTokenException: ["MissingAuthenticationToken", 403],
  InternalFailure: ["InternalFailure", 500],
  ServiceUnavailable: ["ServiceUnavailable", 503],
};

/** Numeric queue attributes and their ranges. */
const NUMERIC_ATTRIBUTES: Record<string, [min: number, max: number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, MAX_MESSAGE_BYTES],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};
const OTHER_SETTABLE = [
  "Policy",
  "RedrivePolicy",
  "RedriveAllowPolicy",
  "KmsMasterKeyId",
  "SqsManagedSseEnabled",
];
const FIFO_ONLY = ["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];
const READ_ONLY = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
];
const STANDARD_DEFAULTS: Record<string, string> = {
  DelaySeconds: "0",
  MaximumMessageSize: String(MAX_MESSAGE_BYTES),
  MessageRetentionPeriod: "345600",
  ReceiveMessageWaitTimeSeconds: "0",
  VisibilityTimeout: "30",
  SqsManagedSseEnabled: "true",
};
const FIFO_DEFAULTS: Record<string, string> = {
  FifoQueue: "true",
  ContentBasedDeduplication: "false",
  DeduplicationScope: "queue",
  FifoThroughputLimit: "perQueue",
};
const SYSTEM_ATTRIBUTE_NAMES = [
  "SenderId",
  "SentTimestamp",
  "ApproximateReceiveCount",
  "ApproximateFirstReceiveTimestamp",
  "SequenceNumber",
  "MessageDeduplicationId",
  "MessageGroupId",
  "AWSTraceHeader",
  "DeadLetterQueueSourceArn",
];

/** The SQS server: stopping it also answers every long poll still waiting. */
class SqsServer extends Emulator {
  constructor(
    options: EmulatorOptions,
    private readonly beforeStop: () => void,
  ) {
    super(options);
  }

  override async stop(): Promise<void> {
    this.beforeStop();
    await super.stop();
  }
}

/**
 * MD5 of message attributes exactly as SQS computes it: attributes sorted by name; for each, the
 * name, the data type and the value, each as a 4-byte big-endian length and its bytes, with a
 * transport byte (1 = String/Number, 2 = Binary) before the value.
 */
export function md5OfMessageAttributes(attributes: AttributeMap): string {
  const hash = createHash("md5");
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name]!;
    field(Buffer.from(name, "utf8"));
    field(Buffer.from(value.DataType, "utf8"));
    if (value.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      field(Buffer.from(value.BinaryValue, "base64"));
    } else {
      hash.update(Buffer.from([1]));
      field(Buffer.from(value.StringValue ?? "", "utf8"));
    }
  }
  return hash.digest("hex");
}

/** Starts nothing: builds an SQS emulator; `emulator.start()` listens. */
export function createSqsEmulator(options: { region?: string; seed?: number } = {}) {
  const region = options.region ?? "us-east-1";
  const queues = new Map<string, Queue>();
  /** Queues created from code (the sandbox's), re-created as they were by reset(). */
  const preloaded = new Map<string, QueueSettings>();
  const deletedAt = new Map<string, number>();
  let sequence = 18_000_000_000_000_000_000n;
  /** Bumped by stop(): long polls of an older generation give up. */
  let generation = 0;
  let emulator: SqsServer;

  const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
  const ok = (body: unknown): Reply => ({ status: 200, headers: { "content-type": CONTENT_TYPE }, body });
  const failure = (type: string, message?: string) => new SqsFailure(type, message);
  const invalidParameter = (message: string) => failure("InvalidParameterValueException", message);
  const noQueue = () => failure("QueueDoesNotExist", "The specified queue does not exist.");

  function render({ type, message }: SqsFailure): Reply {
    const [queryCode, status] = ERRORS[type] ?? [type, 400];
    return {
      status,
      headers: {
        "content-type": CONTENT_TYPE,
        "x-amzn-errortype": type,
        "x-amzn-query-error": `${queryCode};${status >= 500 ? "Receiver" : "Sender"}`,
      },
      body: { __type: `com.amazonaws.sqs#${type}`, ...(message !== undefined ? { message } : {}) },
    };
  }

  const urlFor = (name: string) => `${emulator.baseUrl}/${ACCOUNT}/${name}`;
  const byUrl = (url: unknown): Queue | undefined => {
    if (typeof url !== "string" || url === "") return undefined;
    return queues.get(url.split("/").pop() ?? "");
  };
  const byArn = (arn: string): Queue | undefined => [...queues.values()].find((q) => q.arn === arn);
  const numberAttribute = (queue: Queue, name: string) => Number(queue.attributes[name]);

  function notify(queue: Queue): void {
    for (const wake of [...queue.waiters]) wake();
  }

  /** Checks queue attributes for CreateQueue/SetQueueAttributes; returns them normalised. */
  function checkAttributes(
    given: Record<string, unknown>,
    fifo: boolean,
  ): Record<string, string> | SqsFailure {
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(given)) {
      const value = String(raw);
      const known = name in NUMERIC_ATTRIBUTES || OTHER_SETTABLE.includes(name) || FIFO_ONLY.includes(name);
      if (!known) return failure("InvalidAttributeName", `Unknown Attribute ${name}.`);
      if (FIFO_ONLY.includes(name) && !fifo) {
        if (name === "DeduplicationScope" || name === "FifoThroughputLimit") {
          return failure(
            "InvalidAttributeName",
            `You can specify the ${name} only when FifoQueue is set to true.`,
          );
        }
        if (!(name === "FifoQueue" && value === "false")) {
          return failure("InvalidAttributeName", `Unknown Attribute ${name}.`);
        }
        continue;
      }
      const range = NUMERIC_ATTRIBUTES[name];
      const invalid = failure("InvalidAttributeValue", `Invalid value for the parameter ${name}.`);
      if (range && !(/^\d+$/.test(value) && Number(value) >= range[0] && Number(value) <= range[1]))
        return invalid;
      if (
        (name === "ContentBasedDeduplication" || name === "SqsManagedSseEnabled") &&
        !/^(true|false)$/.test(value)
      ) {
        return invalid;
      }
      if (name === "DeduplicationScope" && !["queue", "messageGroup"].includes(value)) return invalid;
      if (name === "FifoThroughputLimit" && !["perQueue", "perMessageGroupId"].includes(value))
        return invalid;
      if (name === "RedrivePolicy" && value !== "") {
        const policy = parseRedrivePolicy(value);
        if (!policy) {
          return invalidParameter(
            `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value.`,
          );
        }
        if (!byArn(policy.deadLetterTargetArn)) {
          return invalidParameter(
            `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
          );
        }
        out[name] = JSON.stringify(policy);
        continue;
      }
      out[name] = value;
    }
    return out;
  }

  /** Creates a queue, or answers the existing one when every given attribute has the same value. */
  function makeQueue(
    name: string,
    given: Record<string, unknown>,
    tags: Record<string, string> = {},
  ): Queue | SqsFailure {
    const fifo = name.endsWith(".fifo");
    const wantsFifo = String(given["FifoQueue"] ?? "false") === "true";
    if (!(fifo ? /^[A-Za-z0-9_-]{1,75}\.fifo$/ : /^[A-Za-z0-9_-]{1,80}$/).test(name)) {
      return invalidParameter(
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
      );
    }
    if (fifo !== wantsFifo) {
      return invalidParameter(
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
      );
    }
    const attributes = checkAttributes(given, fifo);
    if (attributes instanceof SqsFailure) return attributes;
    const existing = queues.get(name);
    if (existing) {
      for (const [key, value] of Object.entries(attributes)) {
        if (existing.attributes[key] !== value) {
          return failure(
            "QueueNameExists",
            `A queue already exists with the same name and a different value for attribute ${key}`,
          );
        }
      }
      return existing;
    }
    if (Date.now() - (deletedAt.get(name) ?? Number.NEGATIVE_INFINITY) < 60_000) {
      return failure(
        "QueueDeletedRecently",
        "You must wait 60 seconds after deleting a queue before you can create another queue with the same name.",
      );
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    const queue: Queue = {
      name,
      url: urlFor(name),
      arn: `arn:aws:sqs:${region}:${ACCOUNT}:${name}`,
      fifo,
      attributes: { ...STANDARD_DEFAULTS, ...(fifo ? FIFO_DEFAULTS : {}), ...attributes },
      tags: { ...tags },
      createdAt: nowSeconds,
      lastModifiedAt: nowSeconds,
      messages: [],
      handles: new Map(),
      deduplication: new Map(),
      waiters: new Set(),
    };
    if (queue.attributes["RedrivePolicy"] === "") delete queue.attributes["RedrivePolicy"];
    queues.set(name, queue);
    return queue;
  }

  /** Creates a queue from code (kept by reset()); `deadLetterQueue` names an existing queue. */
  function createQueue(name: string, settings: QueueSettings = {}): string {
    const existing = queues.get(name);
    if (existing) return existing.url;
    const dlq = settings.deadLetterQueue ? queues.get(settings.deadLetterQueue) : undefined;
    const attributes: Record<string, string> = {
      ...(settings.visibilityTimeoutSeconds !== undefined
        ? { VisibilityTimeout: String(settings.visibilityTimeoutSeconds) }
        : {}),
      ...(settings.delaySeconds !== undefined ? { DelaySeconds: String(settings.delaySeconds) } : {}),
      ...(settings.receiveMessageWaitTimeSeconds !== undefined
        ? { ReceiveMessageWaitTimeSeconds: String(settings.receiveMessageWaitTimeSeconds) }
        : {}),
      ...(settings.fifo || name.endsWith(".fifo") ? { FifoQueue: "true" } : {}),
      ...(settings.contentBasedDeduplication !== undefined
        ? { ContentBasedDeduplication: String(settings.contentBasedDeduplication) }
        : {}),
      ...(dlq
        ? {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: dlq.arn,
              maxReceiveCount: settings.maxReceiveCount ?? 5,
            }),
          }
        : {}),
      ...settings.attributes,
    };
    const queue = makeQueue(name, attributes);
    if (queue instanceof SqsFailure) throw new Error(`createQueue(${name}): ${queue.type}: ${queue.message}`);
    preloaded.set(name, settings);
    return queue.url;
  }

  function readMessageAttributes(value: unknown): { attributes: AttributeMap; bytes: number } | SqsFailure {
    if (value === undefined || value === null) return { attributes: {}, bytes: 0 };
    if (typeof value !== "object") return invalidParameter("MessageAttributes must be a map.");
    const entries = Object.entries(value as Record<string, Partial<MessageAttributeValue>>);
    if (entries.length > 10) {
      return invalidParameter(
        `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
      );
    }
    const attributes: AttributeMap = {};
    let bytes = 0;
    for (const [name, attribute] of entries) {
      if (
        !/^[A-Za-z0-9_.-]{1,256}$/.test(name) ||
        /^(aws\.|amazon\.)/i.test(name) ||
        name.startsWith(".") ||
        name.endsWith(".") ||
        name.includes("..")
      ) {
        return invalidParameter(`Message (user) attribute name '${name}' is invalid.`);
      }
      const dataType = attribute?.DataType;
      const base = typeof dataType === "string" ? dataType.split(".")[0] : undefined;
      if (
        typeof dataType !== "string" ||
        !["String", "Number", "Binary"].includes(base!) ||
        dataType.length > 256
      ) {
        return invalidParameter(
          `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
        );
      }
      if (base === "Binary") {
        if (typeof attribute.BinaryValue !== "string" || attribute.BinaryValue === "") {
          return invalidParameter(
            `Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`,
          );
        }
        attributes[name] = { DataType: dataType, BinaryValue: attribute.BinaryValue };
        bytes += Buffer.from(attribute.BinaryValue, "base64").length;
      } else {
        if (typeof attribute.StringValue !== "string" || attribute.StringValue === "") {
          return invalidParameter(
            `Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`,
          );
        }
        if (
          base === "Number" &&
          !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(attribute.StringValue.trim())
        ) {
          return invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
        }
        attributes[name] = { DataType: dataType, StringValue: attribute.StringValue };
        bytes += Buffer.byteLength(attribute.StringValue);
      }
      bytes += Buffer.byteLength(name) + Buffer.byteLength(dataType);
    }
    return { attributes, bytes };
  }

  /** The bytes a message counts toward SQS's size limits: its body and its attributes. */
  function messageBytes(input: SendInput): number {
    const read = readMessageAttributes(input.MessageAttributes);
    const body = typeof input.MessageBody === "string" ? input.MessageBody : "";
    return Buffer.byteLength(body) + (read instanceof SqsFailure ? 0 : read.bytes);
  }

  /** Validates and enqueues one message; a FIFO duplicate inside the window is answered, not enqueued. */
  function enqueue(queue: Queue, input: SendInput, senderId: string): Message | SqsFailure {
    const body = input.MessageBody;
    if (typeof body !== "string" || body === "") {
      return failure(
        "MissingRequiredParameterException",
        "The request must contain the parameter MessageBody.",
      );
    }
    if (INVALID_BODY.test(body)) {
      return failure(
        "InvalidMessageContents",
        "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
      );
    }
    const delay = input.DelaySeconds;
    if (delay !== undefined && delay !== null) {
      if (typeof delay !== "number" || !Number.isInteger(delay) || delay < 0 || delay > 900) {
        return invalidParameter(
          `Value ${String(delay)} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
        );
      }
      if (queue.fifo && delay > 0) {
        return invalidParameter(
          `Value ${delay} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
        );
      }
    }
    const read = readMessageAttributes(input.MessageAttributes);
    if (read instanceof SqsFailure) return read;
    const system = input.MessageSystemAttributes as
      | Record<string, Partial<MessageAttributeValue>>
      | undefined;
    const systemNames = Object.keys(system ?? {});
    if (systemNames.some((n) => n !== "AWSTraceHeader")) {
      return invalidParameter(
        `Message system attribute name '${systemNames.find((n) => n !== "AWSTraceHeader")}' is invalid.`,
      );
    }
    const traceHeader = system?.["AWSTraceHeader"]?.StringValue;
    const maxBytes = numberAttribute(queue, "MaximumMessageSize");
    if (Buffer.byteLength(body) + read.bytes > maxBytes) {
      return invalidParameter(
        `One or more parameters are invalid. Reason: Message must be shorter than ${maxBytes} bytes.`,
      );
    }
    const groupId = input.MessageGroupId;
    const deduplicationId = input.MessageDeduplicationId;
    if (groupId !== undefined && (typeof groupId !== "string" || !ID_PATTERN.test(groupId))) {
      return invalidParameter(
        `Value ${String(groupId)} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
    }
    if (
      deduplicationId !== undefined &&
      (typeof deduplicationId !== "string" || !ID_PATTERN.test(deduplicationId))
    ) {
      return invalidParameter(
        `Value ${String(deduplicationId)} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
    }
    const now = Date.now();
    const md5OfAttributes = Object.keys(read.attributes).length
      ? md5OfMessageAttributes(read.attributes)
      : undefined;
    let deduplication: { key: string; id: string } | undefined;
    if (queue.fifo) {
      if (groupId === undefined) {
        return failure(
          "MissingRequiredParameterException",
          "The request must contain the parameter MessageGroupId.",
        );
      }
      const contentBased = queue.attributes["ContentBasedDeduplication"] === "true";
      if (deduplicationId === undefined && !contentBased) {
        return invalidParameter(
          "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
        );
      }
      // Content-based deduplication: the SHA-256 of the body (not the attributes).
      const id =
        (deduplicationId as string | undefined) ?? createHash("sha256").update(body, "utf8").digest("hex");
      const key = queue.attributes["DeduplicationScope"] === "messageGroup" ? `${groupId}\u0000${id}` : id;
      deduplication = { key, id };
      for (const [k, entry] of queue.deduplication) if (entry.expiresAt <= now) queue.deduplication.delete(k);
      const duplicate = queue.deduplication.get(key);
      if (duplicate) {
        // Accepted, answered like the first send, and not delivered again.
        return {
          messageId: duplicate.messageId,
          sequenceNumber: duplicate.sequenceNumber,
          body,
          md5: md5(body),
          attributes: read.attributes,
          md5OfAttributes,
          senderId,
          sentAt: now,
          availableAt: now,
          receiveCount: 0,
          invisibleUntil: 0,
        };
      }
    } else if (deduplicationId !== undefined) {
      return invalidParameter(
        `Value ${String(deduplicationId)} for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.`,
      );
    }
    const delaySeconds = typeof delay === "number" ? delay : numberAttribute(queue, "DelaySeconds");
    const message: Message = {
      messageId: randomUUID(),
      body,
      md5: md5(body),
      attributes: read.attributes,
      md5OfAttributes,
      traceHeader,
      md5OfSystemAttributes:
        traceHeader !== undefined
          ? md5OfMessageAttributes({ AWSTraceHeader: { DataType: "String", StringValue: traceHeader } })
          : undefined,
      senderId,
      sentAt: now,
      availableAt: now + delaySeconds * 1000,
      receiveCount: 0,
      invisibleUntil: 0,
      groupId: groupId as string | undefined,
      deduplicationId: deduplication?.id,
    };
    if (deduplication) {
      sequence += 1n;
      message.sequenceNumber = sequence.toString();
      queue.deduplication.set(deduplication.key, {
        messageId: message.messageId,
        sequenceNumber: message.sequenceNumber,
        expiresAt: now + DEDUPLICATION_WINDOW_MS,
      });
    }
    queue.messages.push(message);
    notify(queue);
    return message;
  }

  const sendResult = (m: Message) => ({
    MD5OfMessageBody: m.md5,
    ...(m.md5OfAttributes ? { MD5OfMessageAttributes: m.md5OfAttributes } : {}),
    ...(m.md5OfSystemAttributes ? { MD5OfMessageSystemAttributes: m.md5OfSystemAttributes } : {}),
    MessageId: m.messageId,
    ...(m.sequenceNumber ? { SequenceNumber: m.sequenceNumber } : {}),
  });

  function moveToDeadLetterQueue(queue: Queue, message: Message): void {
    queue.messages.splice(queue.messages.indexOf(message), 1);
    const policy = parseRedrivePolicy(queue.attributes["RedrivePolicy"] ?? "");
    const dlq = policy ? byArn(policy.deadLetterTargetArn) : undefined;
    if (!dlq) return;
    dlq.messages.push({
      ...message,
      invisibleUntil: 0,
      availableAt: 0,
      receiptHandle: undefined,
      deadLetterSourceArn: queue.arn,
    });
    notify(dlq);
  }

  /**
   * Takes up to `max` receivable messages, in order. FIFO: a group is skipped from its first message
   * that is in flight (or not yet available), so no later message of a group overtakes an earlier one.
   */
  function collect(queue: Queue, max: number, visibilitySeconds: number): Message[] {
    const now = Date.now();
    const retentionMs = numberAttribute(queue, "MessageRetentionPeriod") * 1000;
    queue.messages = queue.messages.filter((m) => m.sentAt + retentionMs > now);
    const policy = parseRedrivePolicy(queue.attributes["RedrivePolicy"] ?? "");
    const blockedGroups = new Set<string>();
    const out: Message[] = [];
    for (const message of [...queue.messages]) {
      if (out.length >= max) break;
      const unavailable = message.invisibleUntil > now || message.availableAt > now;
      if (queue.fifo && message.groupId !== undefined) {
        if (unavailable) blockedGroups.add(message.groupId);
        if (unavailable || blockedGroups.has(message.groupId)) continue;
      } else if (unavailable) continue;
      if (policy && message.receiveCount >= policy.maxReceiveCount) {
        moveToDeadLetterQueue(queue, message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveAt ??= now;
      message.invisibleUntil = now + visibilitySeconds * 1000;
      message.receiptHandle = Buffer.from(`${queue.name}:${message.messageId}:${randomUUID()}`).toString(
        "base64",
      );
      queue.handles.set(message.receiptHandle, message);
      out.push(message);
    }
    return out;
  }

  /** When the next message of the queue becomes receivable (delay or visibility ending), or Infinity. */
  function nextAvailability(queue: Queue): number {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const m of queue.messages) {
      const at = Math.max(m.invisibleUntil, m.availableAt);
      if (at > now && at < next) next = at;
    }
    return next;
  }

  /** Sleeps until the queue is notified, `ms` pass, or the emulator stops — no polling in between. */
  function waitOn(queue: Queue, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        queue.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(1, ms));
      queue.waiters.add(wake);
    });
  }

  /** ReceiveMessage with long polling: answers as soon as a message is receivable, or when the wait is over. */
  async function receive(
    queue: Queue,
    max: number,
    visibilitySeconds: number,
    waitSeconds: number,
  ): Promise<Message[] | SqsFailure> {
    const deadline = Date.now() + waitSeconds * 1000;
    const started = generation;
    for (;;) {
      if (queues.get(queue.name) !== queue) return noQueue();
      const got = collect(queue, max, visibilitySeconds);
      if (got.length > 0 || Date.now() >= deadline || generation !== started) return got;
      await waitOn(queue, Math.min(deadline, nextAvailability(queue)) - Date.now());
    }
  }

  /** The message attributes a ReceiveMessage asked for: `All`, `*`, `.*`, exact names, or `prefix.*`. */
  function selectAttributes(attributes: AttributeMap, names: string[]): AttributeMap {
    const all = names.some((n) => n === "All" || n === "*" || n === ".*");
    return Object.fromEntries(
      Object.entries(attributes).filter(
        ([name]) =>
          all || names.some((n) => n === name || (n.endsWith(".*") && name.startsWith(n.slice(0, -2)))),
      ),
    );
  }

  function systemAttributes(message: Message, names: string[]): Record<string, string> {
    const wanted = names.includes("All") ? SYSTEM_ATTRIBUTE_NAMES : names;
    const values: Record<string, string | undefined> = {
      SenderId: message.senderId,
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp:
        message.firstReceiveAt !== undefined ? String(message.firstReceiveAt) : undefined,
      SequenceNumber: message.sequenceNumber,
      MessageDeduplicationId: message.deduplicationId,
      MessageGroupId: message.groupId,
      AWSTraceHeader: message.traceHeader,
      DeadLetterQueueSourceArn: message.deadLetterSourceArn,
    };
    return Object.fromEntries(
      SYSTEM_ATTRIBUTE_NAMES.filter((n) => wanted.includes(n) && values[n] !== undefined).map((n) => [
        n,
        values[n]!,
      ]),
    );
  }

  function queueAttributes(queue: Queue): Record<string, string> {
    const now = Date.now();
    const delayed = queue.messages.filter((m) => m.availableAt > now).length;
    const inFlight = queue.messages.filter((m) => m.availableAt <= now && m.invisibleUntil > now).length;
    const all: Record<string, string> = {
      ...queue.attributes,
      ApproximateNumberOfMessages: String(queue.messages.length - delayed - inFlight),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      CreatedTimestamp: String(queue.createdAt),
      LastModifiedTimestamp: String(queue.lastModifiedAt),
      QueueArn: queue.arn,
    };
    return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The message a receipt handle names, or SQS's error for a handle it never issued. */
  function byHandle(queue: Queue, handle: unknown): Message | SqsFailure {
    const message = typeof handle === "string" ? queue.handles.get(handle) : undefined;
    if (!message) {
      return failure(
        "ReceiptHandleIsInvalid",
        `The input receipt handle "${String(handle)}" is not a valid receipt handle.`,
      );
    }
    return message;
  }

  /**
   * DeleteMessage: a stale handle (the message was received again since) leaves the message in a
   * standard queue ("the request succeeds, but the message might not be deleted") and is refused by
   * a FIFO queue once its visibility timeout has passed.
   */
  function deleteByHandle(queue: Queue, handle: unknown): SqsFailure | undefined {
    const message = byHandle(queue, handle);
    if (message instanceof SqsFailure) return message;
    if (!queue.messages.includes(message)) return undefined;
    const current = message.receiptHandle === handle;
    if (queue.fifo && (!current || message.invisibleUntil <= Date.now())) {
      return invalidParameter(
        `Value ${String(handle)} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
      );
    }
    if (!current) return undefined;
    queue.messages.splice(queue.messages.indexOf(message), 1);
    if (queue.fifo) notify(queue);
    return undefined;
  }

  function changeVisibility(queue: Queue, handle: unknown, timeout: unknown): SqsFailure | undefined {
    if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 0 || timeout > 43_200) {
      return invalidParameter(
        `Value ${String(timeout)} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.`,
      );
    }
    const message = byHandle(queue, handle);
    if (message instanceof SqsFailure) return message;
    if (!queue.messages.includes(message)) {
      return failure(
        "ReceiptHandleIsInvalid",
        `The input receipt handle "${String(handle)}" is not a valid receipt handle.`,
      );
    }
    if (message.invisibleUntil <= Date.now()) return failure("MessageNotInflight");
    message.invisibleUntil = Date.now() + timeout * 1000;
    if (timeout === 0) notify(queue);
    return undefined;
  }

  /** The queue and the 1–10 entries of a batch request (ids checked), or SQS's error for them. */
  function readBatch<T extends { Id?: unknown }>(
    input: Record<string, unknown>,
    entryName: string,
  ): { queue: Queue; entries: (T & { Id: string })[] } | SqsFailure {
    const queue = byUrl(input["QueueUrl"]);
    if (!queue) return noQueue();
    const entries = input["Entries"];
    if (!Array.isArray(entries) || entries.length === 0) {
      return failure("EmptyBatchRequest", `There should be at least one ${entryName} in the request.`);
    }
    if (entries.length > 10) {
      return failure(
        "TooManyEntriesInBatchRequest",
        `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
      );
    }
    const ids = (entries as T[]).map((e) => e.Id);
    if (ids.some((id) => typeof id !== "string" || !BATCH_ID_PATTERN.test(id))) {
      return failure(
        "InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
      );
    }
    if (new Set(ids).size !== ids.length) {
      return failure(
        "BatchEntryIdsNotDistinct",
        "Two or more batch entries in the request have the same Id.",
      );
    }
    return { queue, entries: entries as (T & { Id: string })[] };
  }

  const batchFailure = (id: string, f: SqsFailure) => ({
    Id: id,
    SenderFault: (ERRORS[f.type]?.[1] ?? 400) < 500,
    Code: ERRORS[f.type]?.[0] ?? f.type,
    Message: f.message ?? f.type,
  });

  type Operation = (
    input: Record<string, unknown>,
    senderId: string,
  ) => Reply | SqsFailure | Promise<Reply | SqsFailure>;

  const operations: Record<string, Operation> = {
    CreateQueue(input) {
      const name = input["QueueName"];
      if (typeof name !== "string") {
        return failure(
          "MissingRequiredParameterException",
          "The request must contain the parameter QueueName.",
        );
      }
      const tags = (input["tags"] ?? {}) as Record<string, string>;
      const queue = makeQueue(name, (input["Attributes"] ?? {}) as Record<string, unknown>, tags);
      return queue instanceof SqsFailure ? queue : ok({ QueueUrl: queue.url });
    },
    GetQueueUrl(input) {
      const queue = queues.get(String(input["QueueName"]));
      return queue ? ok({ QueueUrl: queue.url }) : noQueue();
    },
    ListQueues(input) {
      const prefix = typeof input["QueueNamePrefix"] === "string" ? input["QueueNamePrefix"] : "";
      const max = input["MaxResults"];
      if (max !== undefined && (typeof max !== "number" || max < 1 || max > 1000)) {
        return invalidParameter(
          `Value ${String(max)} for parameter MaxResults is invalid. Reason: Must be between 1 and 1000.`,
        );
      }
      const urls = [...queues.values()]
        .filter((q) => q.name.startsWith(prefix))
        .map((q) => q.url)
        .sort();
      const start =
        typeof input["NextToken"] === "string"
          ? urls.indexOf(Buffer.from(input["NextToken"], "base64").toString()) + 1
          : 0;
      const end = typeof max === "number" ? start + max : urls.length;
      const page = urls.slice(start, end);
      return ok({
        ...(page.length > 0 ? { QueueUrls: page } : {}),
        ...(typeof max === "number" && end < urls.length
          ? { NextToken: Buffer.from(page[page.length - 1]!).toString("base64") }
          : {}),
      });
    },
    DeleteQueue(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      queues.delete(queue.name);
      preloaded.delete(queue.name);
      deletedAt.set(queue.name, Date.now());
      notify(queue);
      return ok({});
    },
    GetQueueAttributes(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      const names = Array.isArray(input["AttributeNames"]) ? (input["AttributeNames"] as string[]) : [];
      const known = [...Object.keys(NUMERIC_ATTRIBUTES), ...OTHER_SETTABLE, ...FIFO_ONLY, ...READ_ONLY];
      const unknown = names.find((n) => n !== "All" && !known.includes(n));
      if (unknown !== undefined) return failure("InvalidAttributeName", `Unknown Attribute ${unknown}.`);
      const all = queueAttributes(queue);
      const wanted = names.includes("All") ? Object.keys(all) : names;
      const selected = Object.fromEntries(Object.entries(all).filter(([name]) => wanted.includes(name)));
      return ok(Object.keys(selected).length > 0 ? { Attributes: selected } : {});
    },
    SetQueueAttributes(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      const given = (input["Attributes"] ?? {}) as Record<string, unknown>;
      if ("FifoQueue" in given && queue.fifo) {
        return failure(
          "InvalidAttributeValue",
          "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
        );
      }
      if ("FifoQueue" in given) return failure("InvalidAttributeName", "Unknown Attribute FifoQueue.");
      const attributes = checkAttributes(given, queue.fifo);
      if (attributes instanceof SqsFailure) return attributes;
      Object.assign(queue.attributes, attributes);
      if (queue.attributes["RedrivePolicy"] === "") delete queue.attributes["RedrivePolicy"];
      queue.lastModifiedAt = Math.floor(Date.now() / 1000);
      return ok({});
    },
    SendMessage(input, senderId) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      const message = enqueue(queue, input, senderId);
      return message instanceof SqsFailure ? message : ok(sendResult(message));
    },
    SendMessageBatch(input, senderId) {
      const batch = readBatch<SendInput & { Id?: unknown }>(input, "SendMessageBatchRequestEntry");
      if (batch instanceof SqsFailure) return batch;
      const { queue, entries } = batch;
      const total = entries.reduce((n, e) => n + messageBytes(e), 0);
      if (total > MAX_MESSAGE_BYTES) {
        return failure(
          "BatchRequestTooLong",
          `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
        );
      }
      if (queue.fifo) {
        // Group and deduplication ids are checked for the whole request (AWS answers one error).
        if (entries.some((e) => e.MessageGroupId === undefined)) {
          return invalidParameter("The request must contain the parameter MessageGroupId.");
        }
        if (
          queue.attributes["ContentBasedDeduplication"] !== "true" &&
          entries.some((e) => e.MessageDeduplicationId === undefined)
        ) {
          return invalidParameter(
            "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
          );
        }
      }
      const successful = [];
      const failed = [];
      for (const entry of entries) {
        const message = enqueue(queue, entry, senderId);
        if (message instanceof SqsFailure) failed.push(batchFailure(entry.Id, message));
        else successful.push({ Id: entry.Id, ...sendResult(message) });
      }
      return ok({ Successful: successful, Failed: failed });
    },
    async ReceiveMessage(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      const max = input["MaxNumberOfMessages"] ?? 1;
      if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 10) {
        return invalidParameter(
          `Value ${String(max)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
        );
      }
      const wait = input["WaitTimeSeconds"] ?? numberAttribute(queue, "ReceiveMessageWaitTimeSeconds");
      if (typeof wait !== "number" || !Number.isInteger(wait) || wait < 0 || wait > 20) {
        return invalidParameter(
          `Value ${String(wait)} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
        );
      }
      const visibility = input["VisibilityTimeout"] ?? numberAttribute(queue, "VisibilityTimeout");
      if (
        typeof visibility !== "number" ||
        !Number.isInteger(visibility) ||
        visibility < 0 ||
        visibility > 43_200
      ) {
        return invalidParameter(
          `Value ${String(visibility)} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.`,
        );
      }
      const list = (key: string) => (Array.isArray(input[key]) ? (input[key] as string[]) : []);
      const systemNames = [...list("AttributeNames"), ...list("MessageSystemAttributeNames")];
      const attributeNames = list("MessageAttributeNames");
      const messages = await receive(queue, max, visibility, wait);
      if (messages instanceof SqsFailure) return messages;
      if (messages.length === 0) return ok({});
      return ok({
        Messages: messages.map((m) => {
          const attributes = systemAttributes(m, systemNames);
          const selected = selectAttributes(m.attributes, attributeNames);
          const any = Object.keys(selected).length > 0;
          return {
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            MD5OfBody: m.md5,
            Body: m.body,
            ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
            ...(any
              ? { MD5OfMessageAttributes: md5OfMessageAttributes(selected), MessageAttributes: selected }
              : {}),
          };
        }),
      });
    },
    DeleteMessage(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      return deleteByHandle(queue, input["ReceiptHandle"]) ?? ok({});
    },
    DeleteMessageBatch(input) {
      const batch = readBatch<{ Id?: unknown; ReceiptHandle?: unknown }>(
        input,
        "DeleteMessageBatchRequestEntry",
      );
      if (batch instanceof SqsFailure) return batch;
      const successful = [];
      const failed = [];
      for (const entry of batch.entries) {
        const error = deleteByHandle(batch.queue, entry.ReceiptHandle);
        if (error) failed.push(batchFailure(entry.Id, error));
        else successful.push({ Id: entry.Id });
      }
      return ok({ Successful: successful, Failed: failed });
    },
    ChangeMessageVisibility(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      return changeVisibility(queue, input["ReceiptHandle"], input["VisibilityTimeout"]) ?? ok({});
    },
    ChangeMessageVisibilityBatch(input) {
      const batch = readBatch<{ Id?: unknown; ReceiptHandle?: unknown; VisibilityTimeout?: unknown }>(
        input,
        "ChangeMessageVisibilityBatchRequestEntry",
      );
      if (batch instanceof SqsFailure) return batch;
      const successful = [];
      const failed = [];
      for (const entry of batch.entries) {
        const error = changeVisibility(batch.queue, entry.ReceiptHandle, entry.VisibilityTimeout ?? 0);
        if (error) failed.push(batchFailure(entry.Id, error));
        else successful.push({ Id: entry.Id });
      }
      return ok({ Successful: successful, Failed: failed });
    },
    PurgeQueue(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      if (queue.lastPurgeAt !== undefined && Date.now() - queue.lastPurgeAt < 60_000) {
        return failure(
          "PurgeQueueInProgress",
          `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`,
        );
      }
      queue.lastPurgeAt = Date.now();
      queue.messages = [];
      return ok({});
    },
    TagQueue(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      Object.assign(queue.tags, (input["Tags"] ?? {}) as Record<string, string>);
      return ok({});
    },
    UntagQueue(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      for (const key of (input["TagKeys"] ?? []) as string[]) delete queue.tags[key];
      return ok({});
    },
    ListQueueTags(input) {
      const queue = byUrl(input["QueueUrl"]);
      if (!queue) return noQueue();
      return ok(Object.keys(queue.tags).length > 0 ? { Tags: { ...queue.tags } } : {});
    },
  };

  /** Back to the queues created from code, empty, with their original attributes. */
  function resetQueues(): void {
    for (const queue of queues.values()) notify(queue);
    queues.clear();
    deletedAt.clear();
    const settings = [...preloaded];
    preloaded.clear();
    for (const [name, queueSettings] of settings) createQueue(name, queueSettings);
  }

  const dialect: Dialect = {
    authenticate(req) {
      const auth = String(req.headers["authorization"] ?? "");
      if (!auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
        return render(
          failure("MissingAuthenticationTokenException", "Request is missing Authentication Token"),
        );
      }
      return { app: auth.slice(28).split("/")[0] ?? "unknown" };
    },
    fault(kind) {
      switch (kind) {
        case "http500":
        case "busy":
          return render(
            failure("InternalFailure", "The request processing has failed because of an unknown error."),
          );
        case "http502":
          return { status: 502, body: "<html><body>502 Bad Gateway</body></html>" };
        case "http503":
          return render(
            failure("ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
          );
        case "malformedJson":
          return { status: 200, headers: { "content-type": CONTENT_TYPE }, body: '{"Successful":[{"Id"' };
        default:
          return render(failure("RequestThrottled", "Request is throttled."));
      }
    },
    rateLimited: () => render(failure("RequestThrottled", "Request is throttled.")),
    notFound: () => render(failure("UnsupportedOperation", "Not Found")),
    revokeTokens: () => {},
    reset: resetQueues,
  };

  const routes: Route[] = [
    {
      method: "POST",
      pattern: "/",
      name: "request",
      auth: true,
      async handle(req, ctx) {
        const target = String(req.headers["x-amz-target"] ?? "");
        const name = target.startsWith("AmazonSQS.") ? target.slice(10) : "";
        const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
        if (!operation) return render(failure("UnsupportedOperation", `Unknown operation ${target}`));
        ctx.count(name);
        const input = parseJsonBody(req);
        if (!input) return render(invalidParameter("Request body must be a JSON object"));
        const result = await operation(input, ctx.caller.app);
        const reply = result instanceof SqsFailure ? render(result) : result;
        return { ...reply, headers: { ...reply.headers, "x-amzn-requestid": req.requestId } };
      },
    },
  ];

  emulator = new SqsServer({ name: "sqs", routes, dialect, seed: options.seed }, () => {
    generation += 1;
    for (const queue of queues.values()) notify(queue);
  });

  return {
    emulator,
    region,
    createQueue,
    /** Every message in a queue (visible or not), in order. */
    messages(name: string): {
      messageId: string;
      body: string;
      receiveCount: number;
      messageAttributes: AttributeMap;
      messageGroupId?: string;
    }[] {
      return (queues.get(name)?.messages ?? []).map((m) => ({
        messageId: m.messageId,
        body: m.body,
        receiveCount: m.receiveCount,
        messageAttributes: m.attributes,
        ...(m.groupId !== undefined ? { messageGroupId: m.groupId } : {}),
      }));
    },
    queueUrl: (name: string) => queues.get(name)?.url,
    queueArn: (name: string) => queues.get(name)?.arn,
    /**
     * Sends a message to the queue with this ARN, as another AWS service would (EventBridge
     * targets). Throws when there is no such queue or SQS refuses the message.
     */
    sendToArn(
      arn: string,
      body: string,
      options: { messageGroupId?: string; messageDeduplicationId?: string; senderId?: string } = {},
    ): string {
      const queue = byArn(arn);
      if (!queue) throw new Error(`no SQS queue ${arn}`);
      const message = enqueue(
        queue,
        {
          MessageBody: body,
          MessageGroupId: options.messageGroupId,
          MessageDeduplicationId: options.messageDeduplicationId,
        },
        options.senderId ?? ACCOUNT,
      );
      if (message instanceof SqsFailure)
        throw new Error(`SQS refused the message: ${message.type}: ${message.message}`);
      return message.messageId;
    },
  };
}

function parseRedrivePolicy(
  text: string,
): { deadLetterTargetArn: string; maxReceiveCount: number } | undefined {
  if (text === "") return undefined;
  try {
    const value = JSON.parse(text) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const max = Number(value.maxReceiveCount);
    if (typeof value.deadLetterTargetArn !== "string" || !Number.isInteger(max) || max < 1 || max > 1000) {
      return undefined;
    }
    return { deadLetterTargetArn: value.deadLetterTargetArn, maxReceiveCount: max };
  } catch {
    return undefined;
  }
}

export type SqsEmulator = ReturnType<typeof createSqsEmulator>;
