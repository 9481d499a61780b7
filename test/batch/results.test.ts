import { DirgateError } from "@dirgate/core";
import { type BatchResult, createRuntime, isTransient, lookupBatch, readSettings } from "@dirgate/lambda";
import type { SQSEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { lambdaContext } from "../../packages/lambda/src/local-server.ts";
import { useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
let settings: ReturnType<typeof readSettings>;
beforeAll(() => {
  settings = readSettings({
    DIRGATE_SECRET_PREFIX: "dirgate/local",
    DIRGATE_SECRETS_MANAGER_ENDPOINT: sbx.current.describe().secretsManager.endpoint,
    AWS_REGION: "us-east-1",
    LOG_LEVEL: "SILENT",
  });
  process.env["AWS_ACCESS_KEY_ID"] = "sandbox";
  process.env["AWS_SECRET_ACCESS_KEY"] = "sandbox";
});

const event = (...bodies: unknown[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i}`,
    body: typeof body === "string" ? body : JSON.stringify(body),
  })) as SQSEvent["Records"],
});

describe("lookup-batch results", () => {
  it("turns a result that could not be sent into a retry, never a lost record", async () => {
    const sent: BatchResult[] = [];
    const handler = lookupBatch(createRuntime(settings), async (results) => {
      sent.push(...results);
      return new Set(["m1"]);
    });
    const response = await handler(
      event(
        { id: "a", connection: "demo-dingtalk", operation: "userById", input: { userId: "zhangsan" } },
        { id: "b", connection: "demo-dingtalk", operation: "userById", input: { userId: "manager240" } },
      ),
      lambdaContext("lookup-batch"),
    );
    expect(sent.map((r) => r.id)).toEqual(["a", "b"]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
  });

  it("answers a result of the same shape as the HTTP body, and an error as a problem", async () => {
    const sent: BatchResult[] = [];
    const handler = lookupBatch(createRuntime(settings), async (results) => {
      sent.push(...results);
      return new Set();
    });
    await handler(
      event(
        { id: "ok", connection: "demo-eiam", operation: "userByMobile", input: { mobile: "15204130007" } },
        { id: "gone", connection: "demo-eiam", operation: "userByMobile", input: { mobile: "15204139999" } },
        "{ not json",
      ),
      lambdaContext("lookup-batch"),
    );
    expect(sent.find((r) => r.id === "ok")).toMatchObject({
      ok: true,
      user: { id: "20220825141325371-4D03-81EF80243" },
    });
    expect(sent.find((r) => r.id === "gone")).toMatchObject({
      ok: false,
      error: { code: "USER_NOT_FOUND", status: 404 },
    });
    expect(sent.find((r) => r.messageId === "m2")).toMatchObject({
      id: null,
      ok: false,
      error: { code: "INVALID_REQUEST" },
    });
  });

  it("retries an upstream outage instead of answering it", async () => {
    sbx.current.eiam.emulator.addFault({ kind: "http503", count: 10 });
    const handler = lookupBatch(
      createRuntime(settings, { http: { baseDelayMs: 1, maxDelayMs: 2 } }),
      async () => new Set(),
    );
    const response = await handler(
      event({
        id: "x",
        connection: "demo-eiam",
        operation: "userByMobile",
        input: { mobile: "15204130007" },
      }),
      lambdaContext("lookup-batch"),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m0" }]);
  });

  it.each([
    ["USER_NOT_FOUND", false],
    ["INVALID_REQUEST", false],
    ["FORBIDDEN", false],
    ["UNSUPPORTED_OPERATION", false],
    ["UPSTREAM_RATE_LIMITED", true],
    ["UPSTREAM_UNAVAILABLE", true],
    ["UPSTREAM_TIMEOUT", true],
    ["UPSTREAM_AUTH_FAILED", true],
    ["INTERNAL", true],
  ] as const)("%s is transient: %s", (code, transient) => {
    expect(isTransient(new DirgateError(code, "x"))).toBe(transient);
  });
});
