import { DirgateError, isRetryable } from "@dirgate/core";
import { lambdaContext } from "@dirgate/dev";
import { type BatchResult, createRuntime, lookupBatch, readSettings } from "@dirgate/lambda";
import type { SQSEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
let settings: ReturnType<typeof readSettings>;
beforeAll(() => {
  settings = readSettings({
    DIRGATE_SECRET_PREFIX: "dirgate/local",
    DIRGATE_SECRETS_MANAGER_ENDPOINT: sbx.current.describe().secretsManager.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    LOG_LEVEL: "SILENT",
  });
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

  it("has one notion of retryable: the error's own flag, whatever its code; an unclassified crash is retried", () => {
    // The monthly quota is a rate limit that no retry this month can fix; a dropped deadline is worth retrying.
    expect(isRetryable(new DirgateError("UPSTREAM_RATE_LIMITED", "quota"))).toBe(false);
    expect(isRetryable(new DirgateError("UPSTREAM_RATE_LIMITED", "busy", { retryable: true }))).toBe(true);
    expect(isRetryable(new DirgateError("UPSTREAM_TIMEOUT", "deadline", { retryable: true }))).toBe(true);
    expect(isRetryable(new DirgateError("USER_NOT_FOUND", "x"))).toBe(false);
    expect(isRetryable(new TypeError("a bug"))).toBe(true);
  });

  it("answers a permanent failure as a result and hands a retryable one back to SQS", async () => {
    sbx.current.dingtalk.emulator.addFault({ kind: "busy", count: 10, path: "/topapi/" });
    const sent: BatchResult[] = [];
    const handler = lookupBatch(
      createRuntime(settings, { http: { baseDelayMs: 1, maxDelayMs: 2 } }),
      async (results) => {
        sent.push(...results);
        return new Set();
      },
    );
    const response = await handler(
      event(
        { id: "busy", connection: "demo-dingtalk", operation: "userById", input: { userId: "zhangsan" } },
        {
          id: "no-email",
          connection: "demo-dingtalk",
          operation: "userByEmail",
          input: { email: "a@example.com" },
        },
      ),
      lambdaContext("lookup-batch"),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m0" }]);
    expect(sent).toEqual([
      expect.objectContaining({
        id: "no-email",
        ok: false,
        error: expect.objectContaining({ code: "UNSUPPORTED_OPERATION" }),
      }),
    ]);
  });
});
