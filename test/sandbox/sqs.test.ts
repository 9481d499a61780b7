import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  QueueDeletedRecently,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type SQSServiceException,
} from "@aws-sdk/client-sqs";
import { createSqsEmulator } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { call, useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
const client = () =>
  new SQSClient({
    endpoint: sbx.current.sqs.emulator.baseUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
    maxAttempts: 1,
  });
const url = (name: string) => sbx.current.sqs.queueUrl(name)!;

/** The error a call fails with (the test fails if it succeeds), with the query-compatible fields. */
async function failure(
  promise: Promise<unknown>,
): Promise<SQSServiceException & { Code?: string; Type?: string }> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as SQSServiceException & { Code?: string; Type?: string },
  );
}

/** Creates a queue through the API (reset() removes it) and answers its URL. */
async function createQueue(QueueName: string, Attributes?: Record<string, string>): Promise<string> {
  return (await client().send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl!;
}

const text = (StringValue: string, DataType = "String") => ({ DataType, StringValue });

describe("SQS emulator, driven by the real AWS SDK (JSON protocol, MD5 checked by the SDK)", () => {
  it("sends in batches of at most 10 and receives with MD5s the SDK accepts", async () => {
    const sqs = client();
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url("dirgate-results"),
        Entries: [
          { Id: "a", MessageBody: '{"n":1}' },
          { Id: "b", MessageBody: "你好" },
        ],
      }),
    );
    expect(out.Successful).toHaveLength(2);
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url("dirgate-results"), MaxNumberOfMessages: 10 }),
    );
    expect(got.Messages?.map((m) => m.Body)).toEqual(['{"n":1}', "你好"]);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: String(i), MessageBody: "x" }));
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url("dirgate-results"), Entries: eleven })),
    ).rejects.toMatchObject({
      name: "TooManyEntriesInBatchRequest",
    });
  });

  it("hides a received message for the visibility timeout, shows it again, and deletes it", async () => {
    const sqs = client();
    await sqs.send(new SendMessageCommand({ QueueUrl: url("dirgate-results"), MessageBody: "m" }));
    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url("dirgate-results"), VisibilityTimeout: 30 }),
    );
    const hidden = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url("dirgate-results") }));
    expect(first.Messages).toHaveLength(1);
    expect(hidden.Messages ?? []).toHaveLength(0);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url("dirgate-results"),
        ReceiptHandle: first.Messages![0]!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url("dirgate-results"),
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    expect(again.Messages![0]!.Attributes?.ApproximateReceiveCount).toBe("2");
    await sqs.send(
      new DeleteMessageCommand({
        QueueUrl: url("dirgate-results"),
        ReceiptHandle: again.Messages![0]!.ReceiptHandle,
      }),
    );
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url("dirgate-results"), AttributeNames: ["All"] }),
    );
    expect(attributes.Attributes).toMatchObject({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
  });

  it("moves a message received maxReceiveCount times to the dead-letter queue", async () => {
    const sqs = client();
    await sqs.send(new SendMessageCommand({ QueueUrl: url("dirgate-lookups"), MessageBody: "poison" }));
    for (let i = 0; i < 6; i += 1)
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: url("dirgate-lookups"), VisibilityTimeout: 0 }));
    expect(sbx.current.sqs.messages("dirgate-lookups")).toHaveLength(0);
    expect(sbx.current.sqs.messages("dirgate-lookups-dlq").map((m) => m.body)).toEqual(["poison"]);
  });

  it("answers QueueDoesNotExist for an unknown queue", async () => {
    const error = await client()
      .send(
        new SendMessageCommand({
          QueueUrl: `${sbx.current.sqs.emulator.baseUrl}/000000000000/nope`,
          MessageBody: "x",
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
  });
});

describe("SQS emulator: long polling", () => {
  it("waits for a message and answers as soon as one is sent", async () => {
    // Prepare
    const queueUrl = await createQueue("long-poll");
    const started = Date.now();

    // Act
    const receiving = client().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "late" }));
    const got = await receiving;

    // Assess
    const elapsed = Date.now() - started;
    expect(got.Messages?.map((m) => m.Body)).toEqual(["late"]);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_500);
  });

  it("answers an empty queue after the wait (the queue's ReceiveMessageWaitTimeSeconds by default)", async () => {
    // Prepare
    const queueUrl = await createQueue("long-poll-default", { ReceiveMessageWaitTimeSeconds: "1" });
    const started = Date.now();

    // Act
    const got = await client().send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    const elapsed = Date.now() - started;
    const short = await client().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    const tooLong = await failure(
      client().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 21 })),
    );

    // Assess
    expect(got.Messages).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1_800);
    expect(short.Messages).toBeUndefined();
    expect(tooLong.name).toBe("InvalidParameterValue");
    expect(tooLong.Code).toBe("InvalidParameterValue");
    expect(tooLong.message).toBe(
      "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.",
    );
  });

  it("delays messages (per message, or the queue's DelaySeconds) and wakes a long poll when one is due", async () => {
    // Prepare
    const perMessage = await createQueue("delayed");
    const perQueue = await createQueue("queue-delay", { DelaySeconds: "1" });
    await client().send(
      new SendMessageCommand({ QueueUrl: perMessage, MessageBody: "soon", DelaySeconds: 1 }),
    );
    await client().send(new SendMessageCommand({ QueueUrl: perQueue, MessageBody: "d" }));
    const started = Date.now();

    // Act
    const counted = await client().send(
      new GetQueueAttributesCommand({
        QueueUrl: perMessage,
        AttributeNames: ["ApproximateNumberOfMessagesDelayed"],
      }),
    );
    const atOnce = await client().send(new ReceiveMessageCommand({ QueueUrl: perQueue }));
    const [waited, later] = await Promise.all([
      client().send(new ReceiveMessageCommand({ QueueUrl: perMessage, WaitTimeSeconds: 3 })),
      client().send(new ReceiveMessageCommand({ QueueUrl: perQueue, WaitTimeSeconds: 3 })),
    ]);
    const elapsed = Date.now() - started;

    // Assess
    expect(counted.Attributes).toEqual({ ApproximateNumberOfMessagesDelayed: "1" });
    expect(atOnce.Messages).toBeUndefined();
    expect(waited.Messages?.[0]?.Body).toBe("soon");
    expect(later.Messages?.[0]?.Body).toBe("d");
    expect(elapsed).toBeGreaterThanOrEqual(850);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("releases waiting long polls when the emulator stops", async () => {
    // Prepare
    const own = createSqsEmulator();
    await own.emulator.start();
    const queueUrl = own.createQueue("q");
    const sqs = new SQSClient({
      endpoint: own.emulator.baseUrl,
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      maxAttempts: 1,
    });
    const settled = sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20 })).then(
      () => "answered",
      () => "failed",
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();

    // Act
    await own.emulator.stop();
    const outcome = await settled;

    // Assess
    expect(outcome).toBe("failed");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("SQS emulator: message attributes, with the MD5 digests AWS computes", () => {
  it("answers MD5OfMessageAttributes of AWS's own samples (string and binary)", async () => {
    // Prepare
    const queueUrl = await createQueue("attributes");

    // Act
    const strings = await client().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: "s",
        MessageAttributes: {
          test_attribute_name_2: text("test_attribute_value_2"),
          test_attribute_name_1: text("test_attribute_value_1"),
        },
      }),
    );
    const binary = await client().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: "b",
        MessageAttributes: {
          test_attribute_name: {
            DataType: "Binary",
            BinaryValue: new TextEncoder().encode("test_attribute_value"),
          },
        },
      }),
    );
    const batch = await client().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: "n", MessageBody: "n", MessageAttributes: { timestamp: text("1493147359900", "Number") } },
          { Id: "plain", MessageBody: "p" },
        ],
      }),
    );

    // Assess: sample digests from AWS (SDK test suites and recorded AWS answers)
    expect(strings.MD5OfMessageAttributes).toBe("d53f3b558fe951154770f25cb63dbba9");
    expect(binary.MD5OfMessageAttributes).toBe("23f6bd27ea87aab7dfeadcc9aebee495");
    expect(batch.Successful?.map((e) => [e.Id, e.MD5OfMessageAttributes])).toEqual([
      ["n", "235c5c510d26fb653d073faed50ae77c"],
      ["plain", undefined],
    ]);
    expect(batch.Failed).toEqual([]);
  });

  it("returns the attributes MessageAttributeNames asks for, with the MD5 of that selection", async () => {
    // Prepare
    const queueUrl = await createQueue("attribute-filters", { VisibilityTimeout: "0" });
    await client().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: "msg",
        MessageAttributes: { "Help.Me": text("Me"), Hello: text("There"), General: text("Kenobi") },
      }),
    );
    const receive = async (MessageAttributeNames: string[]) =>
      (await client().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames })))
        .Messages![0]!;

    // Act
    const all = await receive(["All"]);
    const some = await receive(["Hello", "General"]);
    const one = await receive(["Foo", "Hello"]);
    const prefix = await receive(["Hel.*"]);
    const none = await receive([]);

    // Assess: digests recorded from AWS for exactly these selections
    expect(all.MD5OfMessageAttributes).toBe("4c360f3fdafd970e05fae2f149d997f5");
    expect(all.MessageAttributes).toEqual({
      "Help.Me": text("Me"),
      Hello: text("There"),
      General: text("Kenobi"),
    });
    expect(some.MD5OfMessageAttributes).toBe("fca026605781cb4126a1e9044df24232");
    expect(one.MD5OfMessageAttributes).toBe("a311262e065454b75da111d535b8dacd");
    expect(Object.keys(prefix.MessageAttributes ?? {}).sort()).toEqual(["Hello", "Help.Me"]);
    expect(prefix.MD5OfMessageAttributes).toBe("83fee93c1bcd8b9a5a923ffacdc636c7");
    expect(none.MessageAttributes).toBeUndefined();
    expect(none.MD5OfMessageAttributes).toBeUndefined();
  });

  it("round-trips binary attributes and refuses an empty attribute value", async () => {
    // Prepare
    const queueUrl = await createQueue("binary");
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);

    // Act
    await client().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: "b",
        MessageAttributes: { raw: { DataType: "Binary.gzip", BinaryValue: bytes } },
      }),
    );
    const got = await client().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: [".*"] }),
    );
    const empty = await failure(
      client().send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: "x",
          MessageAttributes: { ErrorDetails: text("") },
        }),
      ),
    );

    // Assess
    expect(got.Messages?.[0]?.MessageAttributes?.["raw"]?.DataType).toBe("Binary.gzip");
    expect(Array.from(got.Messages?.[0]?.MessageAttributes?.["raw"]?.BinaryValue ?? [])).toEqual(
      Array.from(bytes),
    );
    expect(empty.Code).toBe("InvalidParameterValue");
    expect(empty.message).toBe(
      "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
    );
  });

  it("returns only the system attributes asked for, and the AWSTraceHeader sent", async () => {
    // Prepare
    const queueUrl = await createQueue("system-attributes", { VisibilityTimeout: "0" });
    const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    const sent = await client().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: "msg",
        MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: trace } },
      }),
    );
    const receive = async (names?: ("All" | "SenderId" | "SequenceNumber")[]) =>
      (
        await client().send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageSystemAttributeNames: names }),
        )
      ).Messages![0]!;

    // Act
    const all = await receive(["All"]);
    const chosen = await receive(["SenderId", "SequenceNumber"]);
    const none = await receive();

    // Assess
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(all.Attributes ?? {}).sort()).toEqual([
      "AWSTraceHeader",
      "ApproximateFirstReceiveTimestamp",
      "ApproximateReceiveCount",
      "SenderId",
      "SentTimestamp",
    ]);
    expect(all.Attributes?.["AWSTraceHeader"]).toBe(trace);
    expect(all.Attributes?.["ApproximateReceiveCount"]).toBe("1");
    expect(chosen.Attributes).toEqual({ SenderId: "a" });
    expect(none.Attributes).toBeUndefined();
  });
});

describe("SQS emulator: FIFO queues", () => {
  it("keeps each group in order: a group's next message waits while an earlier one is in flight", async () => {
    // Prepare
    const queueUrl = await createQueue("orders.fifo", { FifoQueue: "true" });
    const send = (MessageBody: string, MessageGroupId: string) =>
      client().send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody,
          MessageGroupId,
          MessageDeduplicationId: MessageBody,
        }),
      );
    const sent = [await send("A1", "A"), await send("A2", "A"), await send("B1", "B")];
    const receive = async (MaxNumberOfMessages: number) =>
      (
        await client().send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages,
            MessageSystemAttributeNames: ["All"],
          }),
        )
      ).Messages ?? [];

    // Act
    const first = await receive(1);
    const second = await receive(10);
    const blocked = await receive(10);
    await client().send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first[0]!.ReceiptHandle }),
    );
    const third = await receive(10);

    // Assess
    expect(first.map((m) => m.Body)).toEqual(["A1"]);
    expect(second.map((m) => m.Body)).toEqual(["B1"]);
    expect(blocked).toEqual([]);
    expect(third.map((m) => m.Body)).toEqual(["A2"]);
    expect(first[0]?.Attributes).toMatchObject({ MessageGroupId: "A", MessageDeduplicationId: "A1" });
    expect(first[0]?.Attributes?.["SequenceNumber"]).toBe(sent[0]?.SequenceNumber);
    const numbers = sent.map((s) => BigInt(s.SequenceNumber!));
    expect(numbers[0]! < numbers[1]! && numbers[1]! < numbers[2]!).toBe(true);
  });

  it("deduplicates within 5 minutes, by id or by content, answering the first send", async () => {
    // Prepare
    const byId = await createQueue("dedup.fifo", { FifoQueue: "true" });
    const byContent = await createQueue("content.fifo", {
      FifoQueue: "true",
      ContentBasedDeduplication: "true",
    });

    // Act
    const one = await client().send(
      new SendMessageCommand({
        QueueUrl: byId,
        MessageBody: "x",
        MessageGroupId: "g",
        MessageDeduplicationId: "d",
      }),
    );
    const two = await client().send(
      new SendMessageCommand({
        QueueUrl: byId,
        MessageBody: "y",
        MessageGroupId: "g",
        MessageDeduplicationId: "d",
      }),
    );
    await client().send(
      new SendMessageCommand({ QueueUrl: byContent, MessageBody: "same", MessageGroupId: "g" }),
    );
    await client().send(
      new SendMessageCommand({ QueueUrl: byContent, MessageBody: "same", MessageGroupId: "h" }),
    );
    await client().send(
      new SendMessageCommand({ QueueUrl: byContent, MessageBody: "other", MessageGroupId: "g" }),
    );

    // Assess
    expect(two.MessageId).toBe(one.MessageId);
    expect(two.SequenceNumber).toBe(one.SequenceNumber);
    expect(sbx.current.sqs.messages("dedup.fifo").map((m) => m.body)).toEqual(["x"]);
    expect(sbx.current.sqs.messages("content.fifo").map((m) => m.body)).toEqual(["same", "other"]);
  });

  it("requires a group id and a deduplication id, and refuses a per-message delay", async () => {
    // Prepare
    const queueUrl = await createQueue("strict.fifo", { FifoQueue: "true" });

    // Act
    const noGroup = await failure(
      client().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x" })),
    );
    const noDedup = await failure(
      client().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x", MessageGroupId: "g" })),
    );
    const delayed = await failure(
      client().send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: "x",
          MessageGroupId: "g",
          MessageDeduplicationId: "d",
          DelaySeconds: 2,
        }),
      ),
    );
    const attributes = await client().send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }),
    );
    const misnamed = await failure(
      client().send(new CreateQueueCommand({ QueueName: "plain", Attributes: { FifoQueue: "true" } })),
    );

    // Assess
    expect([noGroup.Code, noGroup.message]).toEqual([
      "MissingParameter",
      "The request must contain the parameter MessageGroupId.",
    ]);
    expect([noDedup.Code, noDedup.message]).toEqual([
      "InvalidParameterValue",
      "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    ]);
    expect(delayed.message).toBe(
      "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.",
    );
    expect(attributes.Attributes).toMatchObject({
      FifoQueue: "true",
      ContentBasedDeduplication: "false",
      DeduplicationScope: "queue",
      FifoThroughputLimit: "perQueue",
      MaximumMessageSize: "1048576",
      MessageRetentionPeriod: "345600",
      QueueArn: "arn:aws:sqs:us-east-1:000000000000:strict.fifo",
    });
    expect(misnamed.Code).toBe("InvalidParameterValue");
  });

  it("refuses a FIFO receipt handle once its visibility timeout has passed", async () => {
    // Prepare
    const queueUrl = await createQueue("handles.fifo", {
      FifoQueue: "true",
      ContentBasedDeduplication: "true",
    });
    await client().send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "m", MessageGroupId: "g" }),
    );
    const got = await client().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));

    // Act
    const expired = await failure(
      client().send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: got.Messages![0]!.ReceiptHandle }),
      ),
    );

    // Assess
    expect(expired.Code).toBe("InvalidParameterValue");
    expect(expired.message).toMatch(/Reason: The receipt handle has expired\.$/);
  });
});

describe("SQS emulator: queues, attributes and errors", () => {
  it("lists queues by prefix, a page at a time", async () => {
    // Prepare
    await createQueue("listed-b");
    await createQueue("listed-a");
    await createQueue("other");

    // Act
    const all = await client().send(new ListQueuesCommand({ QueueNamePrefix: "listed-" }));
    const page1 = await client().send(new ListQueuesCommand({ QueueNamePrefix: "listed-", MaxResults: 1 }));
    const page2 = await client().send(
      new ListQueuesCommand({ QueueNamePrefix: "listed-", MaxResults: 1, NextToken: page1.NextToken }),
    );
    const none = await client().send(new ListQueuesCommand({ QueueNamePrefix: "nothing-" }));

    // Assess
    const base = `${sbx.current.sqs.emulator.baseUrl}/000000000000`;
    expect(all.QueueUrls).toEqual([`${base}/listed-a`, `${base}/listed-b`]);
    expect(page1.QueueUrls).toEqual([`${base}/listed-a`]);
    expect(page2.QueueUrls).toEqual([`${base}/listed-b`]);
    expect(page2.NextToken).toBeUndefined();
    expect(none.QueueUrls).toBeUndefined();
  });

  it("deletes a queue: then QueueDoesNotExist (with its query code), and the name is held for 60 s", async () => {
    // Prepare
    const queueUrl = await createQueue("doomed");

    // Act
    await client().send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    const missing = await failure(
      client().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "x" })),
    );
    const recreated = await failure(client().send(new CreateQueueCommand({ QueueName: "doomed" })));

    // Assess
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    expect(missing.$metadata.httpStatusCode).toBe(400);
    expect(missing.Code).toBe("AWS.SimpleQueueService.NonExistentQueue");
    expect(missing.Type).toBe("Sender");
    expect(missing.message).toBe("The specified queue does not exist.");
    expect(recreated).toBeInstanceOf(QueueDeletedRecently);
  });

  it("sends SQS's JSON error on the wire: __type, message and x-amzn-query-error", async () => {
    // Act
    const answer = await call(sbx.current.sqs.emulator.baseUrl, {
      method: "POST",
      headers: {
        "x-amz-target": "AmazonSQS.GetQueueUrl",
        "content-type": "application/x-amz-json-1.0",
        authorization: "AWS4-HMAC-SHA256 Credential=a/20261123/us-east-1/sqs/aws4_request",
      },
      body: JSON.stringify({ QueueName: "example-missing" }),
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.headers.get("x-amzn-query-error")).toBe("AWS.SimpleQueueService.NonExistentQueue;Sender");
    expect(answer.json).toEqual({
      __type: "com.amazonaws.sqs#QueueDoesNotExist",
      message: "The specified queue does not exist.",
    });
  });

  it("sets and reads attributes by their real names, and refuses unknown names and bad values", async () => {
    // Prepare
    const queueUrl = await createQueue("settable");

    // Act
    await client().send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { VisibilityTimeout: "45", DelaySeconds: "2" },
      }),
    );
    const read = await client().send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["VisibilityTimeout", "DelaySeconds"],
      }),
    );
    const all = await client().send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }),
    );
    const unknown = await failure(
      client().send(
        new SetQueueAttributesCommand({
          QueueUrl: queueUrl,
          Attributes: { Bogus: "1" } as Record<string, string>,
        }),
      ),
    );
    const outOfRange = await failure(
      client().send(
        new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: "43201" } }),
      ),
    );
    const fifoOnStandard = await failure(
      client().send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { FifoQueue: "true" } })),
    );

    // Assess
    expect(read.Attributes).toEqual({ VisibilityTimeout: "45", DelaySeconds: "2" });
    expect(Object.keys(all.Attributes ?? {})).toEqual([
      "ApproximateNumberOfMessages",
      "ApproximateNumberOfMessagesDelayed",
      "ApproximateNumberOfMessagesNotVisible",
      "CreatedTimestamp",
      "DelaySeconds",
      "LastModifiedTimestamp",
      "MaximumMessageSize",
      "MessageRetentionPeriod",
      "QueueArn",
      "ReceiveMessageWaitTimeSeconds",
      "SqsManagedSseEnabled",
      "VisibilityTimeout",
    ]);
    expect([unknown.name, unknown.message]).toEqual(["InvalidAttributeName", "Unknown Attribute Bogus."]);
    expect([outOfRange.name, outOfRange.message]).toEqual([
      "InvalidAttributeValue",
      "Invalid value for the parameter VisibilityTimeout.",
    ]);
    expect([fifoOnStandard.name, fifoOnStandard.message]).toEqual([
      "InvalidAttributeName",
      "Unknown Attribute FifoQueue.",
    ]);
  });

  it("creates a queue idempotently, but not with different attributes", async () => {
    // Prepare
    const first = await createQueue("twice", { VisibilityTimeout: "20" });

    // Act
    const again = await createQueue("twice", { VisibilityTimeout: "20" });
    const different = await failure(
      client().send(new CreateQueueCommand({ QueueName: "twice", Attributes: { VisibilityTimeout: "21" } })),
    );

    // Assess
    expect(again).toBe(first);
    expect(different).toBeInstanceOf(QueueNameExists);
    expect(different.Code).toBe("QueueAlreadyExists");
    expect(different.message).toBe(
      "A queue already exists with the same name and a different value for attribute VisibilityTimeout",
    );
  });

  it("deletes only with the latest receipt handle (a stale one leaves the message), refuses forged ones", async () => {
    // Prepare
    const queueUrl = await createQueue("handles", { VisibilityTimeout: "0" });
    await client().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "m" }));
    const first = await client().send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    const second = await client().send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    // Act
    await client().send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle }),
    );
    const afterStale = sbx.current.sqs.messages("handles").length;
    const forged = await failure(
      client().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: "forged" })),
    );
    await client().send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second.Messages![0]!.ReceiptHandle }),
    );

    // Assess
    expect(afterStale).toBe(1);
    expect(forged).toBeInstanceOf(ReceiptHandleIsInvalid);
    expect(forged.$metadata.httpStatusCode).toBe(404);
    expect(sbx.current.sqs.messages("handles")).toEqual([]);
  });

  it("sends to a queue by ARN from code, as another AWS service would", async () => {
    // Prepare
    const arn = sbx.current.sqs.queueArn("dirgate-results")!;

    // Act
    const id = sbx.current.sqs.sendToArn(arn, '{"from":"eventbridge"}');

    // Assess
    expect(sbx.current.sqs.messages("dirgate-results")).toMatchObject([
      { messageId: id, body: '{"from":"eventbridge"}' },
    ]);
    expect(() => sbx.current.sqs.sendToArn("arn:aws:sqs:us-east-1:000000000000:nope", "x")).toThrow(
      /no SQS queue/,
    );
  });
});
