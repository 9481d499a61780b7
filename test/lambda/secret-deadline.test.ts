import { lambdaContext } from "@dirgate/dev";
import {
  type BatchResult,
  createRuntime,
  lookupBatch,
  operationMiddlewares,
  readSettings,
  runOperation,
} from "@dirgate/lambda";
import middy from "@middy/core";
import type { Context, SQSEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { apiEvent, invoke } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * Reading a secret has a timeout and respects the Lambda deadline (audit finding 4): with Secrets
 * Manager hanging, a request answers 503 before its function would be killed, never after.
 */
const sbx = useSandbox();
afterEach(() => sbx.current.secretsManager.resume());

function runtime(env: Record<string, string> = {}) {
  const described = sbx.current.describe();
  return createRuntime(
    readSettings({
      DIRGATE_SECRET_PREFIX: sbx.current.secretPrefix,
      DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
      AWS_REGION: described.secretsManager.region,
      AWS_ACCESS_KEY_ID: "sandbox",
      AWS_SECRET_ACCESS_KEY: "sandbox",
      LOG_LEVEL: "SILENT",
      ...env,
    }),
  );
}

function handler(rt: ReturnType<typeof runtime>) {
  return middy().use(operationMiddlewares("userById", rt)).handler(runOperation("userById")) as unknown as (
    event: unknown,
    context: Context,
  ) => Promise<unknown>;
}

describe("a hanging secret store", () => {
  it.each([
    // [Lambda timeout, secret timeout]: the deadline cuts the read short, or the read's own timeout does.
    [1_500, "2000"],
    [3_000, "2000"],
    [10_000, "800"],
  ])(
    "answers 503 within a %i ms Lambda deadline (secret timeout %s ms)",
    async (timeoutMs, secretTimeout) => {
      const call = handler(runtime({ DIRGATE_SECRET_TIMEOUT_MS: secretTimeout }));
      sbx.current.secretsManager.pause();
      const started = Date.now();
      const answer = await invoke(
        call,
        apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan"),
        lambdaContext("user-by-id", timeoutMs),
      );
      const elapsed = Date.now() - started;
      expect(answer.json).toMatchObject({ status: 503, code: "UPSTREAM_UNAVAILABLE" });
      expect(elapsed).toBeLessThan(timeoutMs);
      expect(sbx.current.secretsManager.heldRequests()).toBeGreaterThan(0);
      // Once the store answers again, so does the function (nothing failed was cached).
      sbx.current.secretsManager.resume();
      const healed = await invoke(call, apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan"));
      expect(healed.status).toBe(200);
    },
  );

  it("hands a batch record back to SQS (retryable) before the batch's deadline", async () => {
    const sent: BatchResult[] = [];
    const batch = lookupBatch(runtime(), async (results) => {
      sent.push(...results);
      return new Set();
    });
    sbx.current.secretsManager.pause();
    const started = Date.now();
    const event = {
      Records: [
        {
          messageId: "m0",
          body: JSON.stringify({
            id: "a",
            connection: "demo-dingtalk",
            operation: "userById",
            input: { userId: "zhangsan" },
          }),
        },
      ],
    } as SQSEvent;
    const response = await batch(event, lambdaContext("lookup-batch", 4_000));
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m0" }]);
    expect(sent).toEqual([]);
  });
});
