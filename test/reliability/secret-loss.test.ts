import {
  DeleteSecretCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { createRuntime, lookupBatch, readSettings } from "@dirgate/lambda";
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiEvent, lambdaContext } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";
import { createHarness, type Harness } from "./harness.ts";

/**
 * A secret that disappears, or a secret store that goes away, after a connection was loaded: no
 * background refresh may reject unobserved (an unhandled rejection kills a Node process, and a
 * Lambda container with it). The next request answers 404 CONNECTION_NOT_FOUND (deleted) or 503
 * UPSTREAM_UNAVAILABLE (store down), and everything heals when the secret or the store is back.
 */
const sbx = useSandbox();
let h: Harness;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
const NAME = "dirgate/local/connections/vanishing";
const URL_ = "/v1/connections/vanishing/users/zhangsan";
const cacheMs = 1_000;

const env = { DIRGATE_SECRET_CACHE_SECONDS: "1", DIRGATE_UNKNOWN_CONNECTION_SECONDS: "0" };
beforeAll(() => {
  process.on("unhandledRejection", onRejection);
  h = createHarness(sbx.current, env, { baseDelayMs: 1, maxDelayMs: 2 });
});
afterAll(() => {
  process.off("unhandledRejection", onRejection);
});
afterEach(() => {
  expect(rejections).toEqual([]);
});

const sm = () =>
  new SecretsManagerClient({
    endpoint: sbx.current.secretsManager.emulator.baseUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
const get = () => h.call("userById", apiEvent("GET", URL_));
const pastExpiry = () => new Promise((r) => setTimeout(r, cacheMs + 300));
const batchEvent = (): SQSEvent => ({
  Records: [
    {
      messageId: "m1",
      body: JSON.stringify({
        id: "r1",
        connection: "vanishing",
        operation: "userById",
        input: { userId: "zhangsan" },
      }),
    },
  ] as SQSEvent["Records"],
});

describe("a secret that disappears", () => {
  it("deleted the normal way (scheduled): the process lives, the next request is 404, a restore heals it", async () => {
    sbx.current.secretsManager.putSecret(NAME, sbx.current.connections["demo-dingtalk"]!);
    expect((await get()).status).toBe(200);
    await sm().send(new DeleteSecretCommand({ SecretId: NAME })); // a 30-day recovery window
    await pastExpiry();
    expect(rejections).toEqual([]);
    expect((await get()).json).toMatchObject({ status: 404, code: "CONNECTION_NOT_FOUND" });
    await sm().send(new RestoreSecretCommand({ SecretId: NAME }));
    expect((await get()).status).toBe(200);
  });

  it("with the store down: the process lives, the next request is 503, and the store coming back heals it", async () => {
    sbx.current.secretsManager.putSecret(NAME, sbx.current.connections["demo-dingtalk"]!);
    expect((await get()).status).toBe(200);
    const port = Number(new URL(sbx.current.secretsManager.emulator.baseUrl).port);
    await sbx.current.secretsManager.emulator.stop();
    await pastExpiry();
    expect(rejections).toEqual([]);
    expect((await get()).json).toMatchObject({ status: 503, code: "UPSTREAM_UNAVAILABLE" });
    await sbx.current.secretsManager.emulator.start(port);
    expect((await get()).status).toBe(200);
  });

  it("under the batch consumer: a deleted connection is a result, a store outage a retry", async () => {
    const sent: unknown[] = [];
    const settings = readSettings({
      DIRGATE_SECRET_PREFIX: "dirgate/local",
      DIRGATE_SECRETS_MANAGER_ENDPOINT: sbx.current.secretsManager.emulator.baseUrl,
      AWS_ACCESS_KEY_ID: "x",
      AWS_SECRET_ACCESS_KEY: "x",
      LOG_LEVEL: "SILENT",
      ...env,
    });
    const batch = lookupBatch(
      createRuntime(settings, { http: { baseDelayMs: 1, maxDelayMs: 2 } }),
      async (results) => {
        sent.push(...results);
        return new Set();
      },
    );
    sbx.current.secretsManager.putSecret(NAME, sbx.current.connections["demo-dingtalk"]!);
    expect((await batch(batchEvent(), lambdaContext("lookup-batch"))).batchItemFailures).toEqual([]);
    await sm().send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));
    await pastExpiry();
    expect((await batch(batchEvent(), lambdaContext("lookup-batch"))).batchItemFailures).toEqual([]);
    expect(sent.at(-1)).toMatchObject({ ok: false, error: { code: "CONNECTION_NOT_FOUND" } });
    sbx.current.secretsManager.putSecret(NAME, sbx.current.connections["demo-dingtalk"]!);
    sbx.current.secretsManager.pause();
    try {
      const paused = await batch(batchEvent(), lambdaContext("lookup-batch", 3_000));
      expect(paused.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    } finally {
      sbx.current.secretsManager.resume();
    }
  });
});
