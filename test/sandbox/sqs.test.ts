import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
const client = () =>
  new SQSClient({
    endpoint: sbx.current.sqs.emulator.baseUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
    maxAttempts: 1,
  });
const url = (name: string) => sbx.current.sqs.queueUrl(name)!;

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
