import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { lambdaContext } from "@dirgate/dev";
import { type BatchResult, createRuntime, lookupBatch, readSettings } from "@dirgate/lambda";
import type { SQSEvent } from "aws-lambda";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventSource } from "../helpers/event-source.ts";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * The SQS batch enforces a connection's `allow` list like the HTTP API does (audit finding 1): the
 * caller is the record's sender, `SenderId`, which SQS sets from the credentials that sent it.
 * Records go through the sandbox's SQS emulator (SendMessage with a sender's credentials, then
 * ReceiveMessage by the local event source mapping, which hands SenderId on) — and, for the cases
 * an emulator cannot produce (no SenderId at all), as SQS events built here.
 */
const sbx = useSandbox();
const HR_SYNC = "AROAEXAMPLEHRSYNC0001";
const OTHER = "AROAEXAMPLEOTHER00001";
const GUARDED = "rel-guarded-batch";

let sent: BatchResult[];
let handler: ReturnType<typeof lookupBatch>;

beforeAll(() => {
  const described = sbx.current.describe();
  const runtime = createRuntime(
    readSettings({
      DIRGATE_SECRET_PREFIX: sbx.current.secretPrefix,
      DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
      AWS_REGION: described.secretsManager.region,
      AWS_ACCESS_KEY_ID: "sandbox",
      AWS_SECRET_ACCESS_KEY: "sandbox",
      LOG_LEVEL: "SILENT",
    }),
  );
  handler = lookupBatch(runtime, async (results) => {
    sent.push(...results);
    return new Set();
  });
});

beforeEach(() => {
  sent = [];
  sbx.current.secretsManager.putSecret(`${sbx.current.secretPrefix}/connections/${GUARDED}`, {
    ...sbx.current.connections["demo-dingtalk"],
    allow: [`aws-id:${HR_SYNC}`, "arn:aws:iam::111122223333:role/hr-sync", "scope:directory.read"],
  });
});

/** Sends one message as the principal whose SQS SenderId is `senderId` (the sandbox takes it from the access key). */
async function sendAs(senderId: string, body: unknown, attributes: Record<string, string> = {}) {
  const sqs = new SQSClient({
    endpoint: sbx.current.sqs.emulator.baseUrl,
    region: "us-east-1",
    credentials: { accessKeyId: senderId, secretAccessKey: "x" },
  });
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: sbx.current.sqs.queueUrl(sbx.current.queues.requests)!,
      MessageBody: JSON.stringify(body),
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]),
      ),
    }),
  );
  sqs.destroy();
}

const lookup = (id: string, connection = GUARDED) => ({
  id,
  connection,
  operation: "userById",
  input: { userId: "zhangsan" },
});

describe("lookup-batch access control", () => {
  it("answers a restricted connection only to the senders its allow list names (records through the SQS emulator)", async () => {
    await sendAs(`${HR_SYNC}:hr-sync-session`, lookup("allowed"));
    await sendAs(`${HR_SYNC}:another-session`, lookup("allowed-other-session"));
    await sendAs(`${OTHER}:hr-sync-session`, lookup("other-role"));
    // What a sender says about itself counts for nothing: attributes and body fields are the sender's to write.
    await sendAs(`${OTHER}:x`, lookup("claims-in-attributes"), {
      SenderId: HR_SYNC,
      caller: `aws-id:${HR_SYNC}`,
    });
    await sendAs(`${OTHER}:x`, { ...lookup("claims-in-body"), sender: `aws-id:${HR_SYNC}` });
    await sendAs(`${OTHER}:x`, lookup("unrestricted", "demo-dingtalk"));
    const pass = await eventSource(sbx.current, handler).pass();
    expect(pass.failed).toEqual([]);
    const by = Object.fromEntries(sent.map((r) => [r.id, r]));
    expect(by["allowed"]).toMatchObject({ ok: true, user: { id: "zhangsan" } });
    expect(by["allowed-other-session"]).toMatchObject({ ok: true, user: { id: "zhangsan" } });
    for (const id of ["other-role", "claims-in-attributes"]) {
      expect(by[id], id).toMatchObject({ ok: false, error: { code: "FORBIDDEN", status: 403 } });
      expect(by[id], id).not.toHaveProperty("user");
    }
    expect(by["claims-in-body"]).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } });
    expect(by["unrestricted"]).toMatchObject({ ok: true, user: { id: "zhangsan" } });
    // Refused records never reached the provider: two allowed lookups and one unrestricted one did.
    expect(sbx.current.dingtalk.emulator.counter("POST /topapi/v2/user/get")).toBe(3);
  });

  it("refuses a record without a SenderId on a restricted connection (no identity, like a direct invocation)", async () => {
    const event: SQSEvent = {
      Records: [
        { messageId: "m0", body: JSON.stringify(lookup("no-sender")), attributes: {} },
        { messageId: "m1", body: JSON.stringify(lookup("no-sender-open", "demo-dingtalk")), attributes: {} },
        // An HTTP identity form in SenderId is not an identity a batch can have.
        {
          messageId: "m2",
          body: JSON.stringify(lookup("arn-as-sender")),
          attributes: { SenderId: "arn:aws:iam::111122223333:role/hr-sync" },
        },
        { messageId: "m3", body: JSON.stringify(lookup("built-allowed")), attributes: { SenderId: HR_SYNC } },
      ] as unknown as SQSEvent["Records"],
    };
    const response = await handler(event, lambdaContext("lookup-batch"));
    expect(response.batchItemFailures).toEqual([]);
    const by = Object.fromEntries(sent.map((r) => [r.id, r]));
    expect(by["no-sender"]).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(by["arn-as-sender"]).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(by["no-sender-open"]).toMatchObject({ ok: true });
    expect(by["built-allowed"]).toMatchObject({ ok: true });
  });

  it.each([
    ["demo-feishu", "userById", { userId: ".." }],
    ["demo-feishu", "userById", { userId: "." }],
    ["demo-eiam", "userById", { userId: ".." }],
    ["demo-eiam", "department", { departmentId: ".." }],
    ["demo-feishu", "departmentUsers", { departmentId: "." }],
  ])(
    "answers %s %s %j as a permanent INVALID_REQUEST result, never a retry (audit finding 6)",
    async (connection, operation, input) => {
      const event = {
        Records: [{ messageId: "m0", body: JSON.stringify({ id: "dots", connection, operation, input }) }],
      } as SQSEvent;
      for (const e of sbx.current.emulators) e.startRecording();
      const response = await handler(event, lambdaContext("lookup-batch"));
      expect(response.batchItemFailures).toEqual([]);
      expect(sent).toEqual([
        expect.objectContaining({
          id: "dots",
          ok: false,
          error: expect.objectContaining({ code: "INVALID_REQUEST" }),
        }),
      ]);
      // Nothing went upstream: the URL parser never got to resolve a dot segment into another endpoint.
      const upstream = [sbx.current.feishu.emulator, sbx.current.eiam.emulator].flatMap((e) =>
        e.stopRecording(),
      );
      expect(upstream.map((r) => r.rawUrl)).toEqual([]);
    },
  );
});
