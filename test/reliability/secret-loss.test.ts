import {
  DeleteSecretCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  callbackHandler,
  changesProcessor,
  createRuntime,
  lookupBatch,
  type OutgoingMessage,
  readSettings,
} from "@dirgate/lambda";
import {
  createDingTalkChannel,
  DEMO_CALLBACK_CREDENTIALS,
  DEMO_CREDENTIALS,
  DINGTALK_DEMO_CORP_ID,
} from "@dirgate/sandbox";
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
/** The settings of a function of the change pipeline (the queue and bus are never reached when nothing is accepted). */
const pipelineSettings = () =>
  readSettings({
    DIRGATE_SECRET_PREFIX: "dirgate/local",
    DIRGATE_SECRETS_MANAGER_ENDPOINT: sbx.current.secretsManager.emulator.baseUrl,
    DIRGATE_CHANGES_QUEUE_URL: "http://127.0.0.1:9/000000000000/unused.fifo",
    DIRGATE_EVENT_BUS_NAME: "unused",
    AWS_ACCESS_KEY_ID: "x",
    AWS_SECRET_ACCESS_KEY: "x",
    LOG_LEVEL: "SILENT",
    ...env,
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

  it("under the callback receiver: a deleted connection refuses the push (401, nothing queued), a store outage asks for a retry (503)", async () => {
    const queued: OutgoingMessage[] = [];
    const receive = callbackHandler(
      createRuntime(pipelineSettings(), { http: { baseDelayMs: 1, maxDelayMs: 2 } }),
      async (messages) => {
        queued.push(...messages);
        return new Set();
      },
    );
    // DingTalk's own push code, for a connection named `vanishing` holding demo-dingtalk's secret.
    const dingtalk = createDingTalkChannel({
      connection: "vanishing",
      appKey: DEMO_CREDENTIALS.dingtalk.appKey,
      corpId: DINGTALK_DEMO_CORP_ID,
      ...DEMO_CALLBACK_CREDENTIALS.dingtalk,
    });
    const path = "/v1/connections/vanishing/callback";
    const push = async () => {
      const change = {
        eventId: `e${queued.length}${Date.now()}`,
        type: "user_modify_org",
        subject: { kind: "user" as const, id: "zhangsan" },
      };
      const plaintext = JSON.stringify({
        EventType: "user_modify_org",
        CorpId: DINGTALK_DEMO_CORP_ID,
        eventId: change.eventId,
        TimeStamp: String(Date.now()),
        UserId: ["zhangsan"],
      });
      const request = dingtalk.seal({ ...change, plaintext }, `http://x${path}`, false);
      const event = apiEvent("POST", request.url.slice("http://x".length), {
        body: request.body!,
        headers: request.headers,
      });
      return receive(event, lambdaContext("callback", 3_000));
    };
    sbx.current.secretsManager.putSecret(NAME, sbx.current.connections["demo-dingtalk"]!);
    expect((await push()).statusCode).toBe(200);
    expect(queued).toHaveLength(1);
    await sm().send(new DeleteSecretCommand({ SecretId: NAME }));
    await pastExpiry();
    expect((await push()).statusCode).toBe(401);
    expect(queued).toHaveLength(1);
    await sm().send(new RestoreSecretCommand({ SecretId: NAME }));
    await pastExpiry();
    expect((await push()).statusCode).toBe(200);
    sbx.current.secretsManager.pause();
    try {
      await pastExpiry();
      expect((await push()).statusCode).toBe(503);
    } finally {
      sbx.current.secretsManager.resume();
    }
    expect((await push()).statusCode).toBe(200);
    expect(queued).toHaveLength(3);
  });

  it("under the change processor: a deleted connection's change is dropped (not retried forever), a store outage a retry", async () => {
    const published: unknown[] = [];
    const process_ = changesProcessor(
      createRuntime(pipelineSettings(), { http: { baseDelayMs: 1, maxDelayMs: 2 } }),
      async (events) => {
        published.push(...events);
        return new Set();
      },
    );
    const change = (): SQSEvent => ({
      Records: [
        {
          messageId: "c1",
          attributes: { MessageGroupId: "g1" },
          body: JSON.stringify({
            v: 1,
            connection: "vanishing",
            provider: "dingtalk",
            change: {
              kind: "user",
              action: "updated",
              id: "zhangsan",
              occurredAt: new Date().toISOString(),
              upstream: { type: "user_modify_org", eventId: "e1" },
            },
          }),
        },
      ] as unknown as SQSEvent["Records"],
    });
    sbx.current.secretsManager.putSecret(NAME, sbx.current.connections["demo-dingtalk"]!);
    expect((await process_(change(), lambdaContext("changes"))).batchItemFailures).toEqual([]);
    expect(published).toHaveLength(1);
    await sm().send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));
    await pastExpiry();
    expect((await process_(change(), lambdaContext("changes"))).batchItemFailures).toEqual([]);
    expect(published).toHaveLength(1);
    sbx.current.secretsManager.putSecret(NAME, sbx.current.connections["demo-dingtalk"]!);
    sbx.current.secretsManager.pause();
    try {
      const paused = await process_(change(), lambdaContext("changes", 3_000));
      expect(paused.batchItemFailures).toEqual([{ itemIdentifier: "c1" }]);
      expect(published).toHaveLength(1);
    } finally {
      sbx.current.secretsManager.resume();
    }
  });
});
