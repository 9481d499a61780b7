import { HTTP_LAMBDAS } from "@dirgate/core";
import { startSandbox } from "@dirgate/sandbox";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createChangePipeline } from "./change-pipeline.ts";
import { type LambdaHandler, startLocalServer } from "./local-server.ts";

/**
 * `npm start`: the whole API on http://127.0.0.1:${PORT:-3000}, backed by the sandbox. The functions
 * run the same code path as in AWS: the connection store reading secrets over the Secrets Manager
 * protocol (pointed at its emulator) and the real provider clients, pointed at the provider emulators.
 */
const port = Number(process.env["PORT"] ?? 3000);
const sandbox = await startSandbox({ secretPrefix: "dirgate/local" });
const described = sandbox.describe();
const pipeline = await createChangePipeline(sandbox);

// The functions read their settings once, at import: set them first.
Object.assign(process.env, {
  DIRGATE_SQS_ENDPOINT: described.sqs.endpoint,
  DIRGATE_CHANGES_QUEUE_URL: pipeline.changesQueueUrl,
  DIRGATE_EVENTBRIDGE_ENDPOINT: described.eventBridge.endpoint,
  DIRGATE_EVENT_BUS_NAME: pipeline.busName,
  DIRGATE_STAGE: "local",
  DIRGATE_SECRET_PREFIX: "dirgate/local",
  DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
  AWS_REGION: described.secretsManager.region,
  AWS_ACCESS_KEY_ID: described.secretsManager.accessKeyId,
  AWS_SECRET_ACCESS_KEY: described.secretsManager.secretAccessKey,
  LOG_LEVEL: process.env["LOG_LEVEL"] ?? "WARN",
});
const load = async (name: string) =>
  ((await import(`../../../functions/${name}.ts`)) as { handler: LambdaHandler }).handler;
const handlers: Record<string, LambdaHandler> = {};
for (const lambda of HTTP_LAMBDAS) handlers[lambda] = await load(lambda);
// The change processor, fed from the Changes queue as Lambda's event source mapping would.
const changes = (await import("../../../functions/changes.ts")) as {
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
};
pipeline.start(changes.handler);

let server: Awaited<ReturnType<typeof startLocalServer>>;
try {
  server = await startLocalServer({ handlers, port });
} catch (error) {
  await sandbox.stop();
  console.error(`dirgate: cannot listen on 127.0.0.1:${port}: ${(error as Error).message} (set PORT)`);
  process.exit(1);
}

const url = server.url;
console.log(`dirgate is running on ${url} (backed by the sandbox)

Demo connections: ${described.connections.join(", ")}

  curl -s -X POST ${url}/v1/connections/demo-dingtalk/users/by-mobile -H 'content-type: application/json' -d '{"mobile":"13800138000"}'
  curl -s ${url}/v1/connections/demo-dingtalk/users/zhangsan
  curl -s ${url}/v1/connections/demo-dingtalk-legacy/users/zhangsan
  curl -s -X POST ${url}/v1/connections/demo-eiam/users/by-mobile -H 'content-type: application/json' -d '{"mobile":"15204130007"}'
  curl -s '${url}/v1/connections/demo-feishu/departments/od-5caa30529e8feabe141512b5c3c7153a/users?pageSize=50'

API reference: ${url}/docs   Health: ${url}/v1/health   Sandbox: ${JSON.stringify({ dingtalk: described.dingtalk.baseUrl, feishu: described.feishu.baseUrl, eiam: described.eiam.baseUrl, secretsManager: described.secretsManager.endpoint })}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  await pipeline.stop();
  await sandbox.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
