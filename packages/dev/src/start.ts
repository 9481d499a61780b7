import { parseArgs } from "node:util";
import type { Sandbox, SandboxOptions } from "@dirgate/sandbox";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { ChangePipeline } from "./change-pipeline.ts";
import { oneLine } from "./cli-errors.ts";
import {
  type AwsCredentials,
  DEFAULT_SECRETS_MANAGER_PORT,
  EnvironmentError,
  expandEndpoint,
  isLoopback,
  type LocalEnvironment,
  readLocalEnvironment,
  resolveAws,
  SANDBOX_CREDENTIALS,
} from "./environment.ts";
import type { LambdaHandler } from "./local-server.ts";

/**
 * `npm start`: the whole API on http://127.0.0.1:${PORT:-3000}, the functions' own code path. It reads
 * the environment the functions read in AWS (Secrets Manager endpoint, secret prefix, region,
 * credentials, the change queue and bus), and takes from the sandbox whatever is not set: by
 * default everything (emulators of every provider and of Secrets Manager, SQS and EventBridge,
 * with the demo connections), and the sandbox's providers push their change callbacks here.
 */
export const START_USAGE = `usage: npm start [-- --help]

Runs the whole API on http://127.0.0.1:$PORT with the functions' own code. What the environment
does not set comes from the sandbox (emulators of every provider and of Secrets Manager, SQS and
EventBridge, preloaded with the demo connections).

environment (the same variables the functions read in AWS):
  PORT                               3000; 0 = a free port
  LOG_LEVEL                          WARN here; DEBUG, INFO, WARN, ERROR, SILENT
  DIRGATE_SECRETS_MANAGER_ENDPOINT   where connection secrets are read: a URL, or \`aws\` for the
                                     region's AWS endpoint; unset = the sandbox's (port ${DEFAULT_SECRETS_MANAGER_PORT} when free)
  DIRGATE_SECRET_PREFIX              secrets are {prefix}/connections/{id}; default dirgate/$DIRGATE_STAGE
                                     (DIRGATE_STAGE defaults to local)
  AWS_REGION                         region of every AWS call; else your AWS profile's (sandbox: us-east-1)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE
                                     credentials for real AWS; unset = the AWS SDK's default chain
                                     (profiles, SSO, …), resolved once at start-up
  DIRGATE_CHANGES_QUEUE_URL          where the callback function queues changes (DIRGATE_SQS_ENDPOINT
                                     overrides the endpoint); unset = the sandbox's queue, processed here
  DIRGATE_EVENT_BUS_NAME             where processed changes are published (DIRGATE_EVENTBRIDGE_ENDPOINT
                                     overrides the endpoint); unset = the sandbox's bus

examples:
  npm start
  PORT=8080 LOG_LEVEL=INFO npm start
  DIRGATE_SECRETS_MANAGER_ENDPOINT=aws DIRGATE_SECRET_PREFIX=dirgate/prod AWS_REGION=cn-north-1 \\
    AWS_PROFILE=acme npm start      # serve a real tenant's connections from your AWS account`;

type Processor = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

interface Plan {
  env: LocalEnvironment;
  region: string;
  credentials: AwsCredentials;
  credentialSource: string;
  expiration?: Date;
  secretsManager: string;
  changesQueueUrl: string;
  sqsEndpoint?: string;
  eventBusName: string;
  eventBridgeEndpoint?: string;
}

function fail(code: number, message: string): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(code);
}

// The SDK's notice that its 2027 releases need Node 22 would open the banner on Node 20 (its own switch).
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

let args: { help?: boolean };
try {
  args = parseArgs({ options: { help: { type: "boolean", short: "h" } }, strict: true }).values;
} catch (error) {
  fail(2, `${oneLine(error)} (npm start -- --help for usage)`);
}
if (args.help) {
  process.stdout.write(`${START_USAGE}\n`);
  process.exit(0);
}

let env: LocalEnvironment;
try {
  env = readLocalEnvironment(process.env);
} catch (error) {
  if (error instanceof EnvironmentError) fail(2, error.message);
  throw error;
}

// Only now the heavy parts (the sandbox, the SDK, the functions' packages): --help stays instant.
const [
  { HTTP_LAMBDAS },
  { DEFAULT_CONTROL_PORT, startSandbox },
  { createChangePipeline },
  { startLocalServer },
] = await Promise.all([
  import("@dirgate/core"),
  import("@dirgate/sandbox"),
  import("./change-pipeline.ts"),
  import("./local-server.ts"),
]);

// The sandbox is started whole whenever something needs it: the demo connections (no Secrets
// Manager named) or the change pipeline (no Changes queue named).
const sandboxSecrets = env.secretsManagerEndpoint === undefined;
const sandboxChanges = env.changesQueueUrl === undefined;
let sandbox: Sandbox | undefined;
let pipeline: ChangePipeline | undefined;
if (sandboxSecrets || sandboxChanges) {
  try {
    sandbox = await startLocalSandbox(env.secretPrefix, sandboxSecrets);
    if (sandboxChanges) pipeline = await createChangePipeline(sandbox);
  } catch (error) {
    await sandbox?.stop();
    fail(1, `cannot start the sandbox: ${(error as Error).message}`);
  }
}

let plan: Plan;
try {
  plan = await makePlan(env, sandbox, pipeline);
} catch (error) {
  await sandbox?.stop();
  if (error instanceof EnvironmentError) fail(2, error.message);
  throw error;
}

// The functions read their settings once, at import: set them first (AWS hands them the same).
for (const name of ["DIRGATE_SQS_ENDPOINT", "DIRGATE_EVENTBRIDGE_ENDPOINT", "AWS_SESSION_TOKEN"]) {
  delete process.env[name];
}
Object.assign(process.env, {
  DIRGATE_STAGE: env.stage,
  DIRGATE_SECRET_PREFIX: env.secretPrefix,
  DIRGATE_SECRETS_MANAGER_ENDPOINT: plan.secretsManager,
  DIRGATE_CHANGES_QUEUE_URL: plan.changesQueueUrl,
  DIRGATE_EVENT_BUS_NAME: plan.eventBusName,
  AWS_REGION: plan.region,
  AWS_ACCESS_KEY_ID: plan.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: plan.credentials.secretAccessKey,
  LOG_LEVEL: env.logLevel ?? "WARN",
  ...(plan.credentials.sessionToken ? { AWS_SESSION_TOKEN: plan.credentials.sessionToken } : {}),
  ...(plan.sqsEndpoint ? { DIRGATE_SQS_ENDPOINT: plan.sqsEndpoint } : {}),
  ...(plan.eventBridgeEndpoint ? { DIRGATE_EVENTBRIDGE_ENDPOINT: plan.eventBridgeEndpoint } : {}),
});
const load = async (name: string) =>
  ((await import(`../../../functions/${name}.ts`)) as { handler: LambdaHandler }).handler;
const handlers: Record<string, LambdaHandler> = {};
for (const lambda of HTTP_LAMBDAS) handlers[lambda] = await load(lambda);

let server: Awaited<ReturnType<typeof startLocalServer>>;
try {
  server = await startLocalServer({ handlers, port: env.port });
} catch (error) {
  await sandbox?.stop();
  fail(1, `cannot listen on 127.0.0.1:${env.port}: ${(error as Error).message} (set PORT)`);
}
const url = server.url;

// The change processor, fed from the sandbox's Changes queue as Lambda's event source mapping would.
// (A Changes queue of a deployment is consumed by that deployment's own `changes` function.)
if (pipeline) {
  const changes = (await import("../../../functions/changes.ts")) as { handler: Processor };
  pipeline.start(changes.handler);
}

// The sandbox's providers push their signed callbacks to this API (after each one's URL handshake),
// when the connections they push for are the ones this API reads.
let callbackLine = "";
if (sandbox && sandboxSecrets) {
  const verified = await sandbox.callbacks.setTarget(url).catch((error: Error) => error);
  if (verified instanceof Error) {
    callbackLine = `not connected (${verified.message})`;
  } else {
    const failed = verified.filter((v) => !v.ok);
    callbackLine =
      `${verified.map((v) => v.connection).join(", ")} push here` +
      (failed.length === 0
        ? " (URLs verified)"
        : `; NOT verified: ${failed.map((v) => `${v.connection} (${v.error ?? `HTTP ${v.status}`})`).join(", ")}`);
  }
}

process.stdout.write(`${banner(url, plan, sandbox, pipeline, callbackLine)}\n`);
// Events published on the sandbox's own bus are printed as they land.
const tail =
  pipeline && sandbox && env.eventBusName === undefined ? tailEvents(sandbox, plan.eventBusName) : undefined;

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  if (tail) clearInterval(tail);
  await server.close();
  await pipeline?.stop();
  await sandbox?.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

/** Starts the sandbox with its Secrets Manager on the well-known port when free (else any), its control server on 4599 when free. */
async function startLocalSandbox(secretPrefix: string, fixedSecretsPort: boolean): Promise<Sandbox> {
  const options: SandboxOptions = {
    secretPrefix,
    ports: {
      control: DEFAULT_CONTROL_PORT,
      ...(fixedSecretsPort ? { secretsManager: DEFAULT_SECRETS_MANAGER_PORT } : {}),
    },
    controlPortFallback: true,
  };
  try {
    return await startSandbox(options);
  } catch (error) {
    if (!fixedSecretsPort || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return startSandbox({ ...options, ports: { control: DEFAULT_CONTROL_PORT } });
  }
}

/** What the functions are pointed at, and the credentials to call it with. */
async function makePlan(
  env: LocalEnvironment,
  sandbox: Sandbox | undefined,
  pipeline: ChangePipeline | undefined,
): Promise<Plan> {
  const described = sandbox?.describe();
  // A loopback queue URL names its own endpoint (another sandbox, LocalStack).
  const queueOrigin =
    env.changesQueueUrl && isLoopback(env.changesQueueUrl) ? new URL(env.changesQueueUrl).origin : undefined;
  const sqsEndpoint = pipeline ? described?.sqs.endpoint : (env.sqsEndpoint ?? queueOrigin);
  const eventBridgeEndpoint =
    env.eventBusName === undefined ? described?.eventBridge.endpoint : env.eventBridgeEndpoint;
  const targets = [
    env.secretsManagerEndpoint,
    ...(pipeline ? [] : [sqsEndpoint ?? "aws"]),
    ...(pipeline && env.eventBusName !== undefined ? [eventBridgeEndpoint ?? "aws"] : []),
  ].filter((t): t is string => t !== undefined);
  const real = targets.some((t) => t === "aws" || !isLoopback(t));
  const nothingReal = targets.length === 0;
  const aws = nothingReal
    ? {
        region: env.region ?? described?.secretsManager.region ?? "us-east-1",
        credentials: { ...SANDBOX_CREDENTIALS },
        source: "sandbox",
      }
    : await resolveAws(process.env, {
        region: env.region,
        real,
        fallbackRegion: described?.secretsManager.region,
      });
  return {
    env,
    region: aws.region,
    credentials: aws.credentials,
    credentialSource: aws.source,
    ...("expiration" in aws && aws.expiration ? { expiration: aws.expiration } : {}),
    secretsManager:
      env.secretsManagerEndpoint === undefined
        ? described!.secretsManager.endpoint
        : expandEndpoint(env.secretsManagerEndpoint, "secretsmanager", aws.region),
    changesQueueUrl: pipeline ? pipeline.changesQueueUrl : env.changesQueueUrl!,
    ...(sqsEndpoint ? { sqsEndpoint: expandEndpoint(sqsEndpoint, "sqs", aws.region) } : {}),
    eventBusName: env.eventBusName ?? pipeline?.busName ?? "",
    ...(eventBridgeEndpoint
      ? { eventBridgeEndpoint: expandEndpoint(eventBridgeEndpoint, "events", aws.region) }
      : {}),
  };
}

/** What it is connected to (never a credential), how to try it, and the change-event walkthrough. */
function banner(
  url: string,
  plan: Plan,
  sandbox: Sandbox | undefined,
  pipeline: ChangePipeline | undefined,
  callbackLine: string,
): string {
  const described = sandbox?.describe();
  const ours = (value: string | undefined, sandboxValue: string | undefined) =>
    value !== undefined && value === sandboxValue ? " (sandbox)" : "";
  const lines: string[] = [`dirgate is running on ${url}`, "", "Connected to:"];
  const row = (name: string, value: string) => lines.push(`  ${name.padEnd(16)} ${value}`);
  row(
    "Secrets Manager",
    `${plan.secretsManager}${ours(plan.secretsManager, described?.secretsManager.endpoint)}, secrets ${plan.env.secretPrefix}/connections/{id}, region ${plan.region}`,
  );
  row(
    "Credentials",
    `${plan.credentialSource}${plan.expiration ? `, expiring ${plan.expiration.toISOString()} (restart then)` : ""}`,
  );
  row(
    "Changes queue",
    pipeline
      ? `${plan.changesQueueUrl} (sandbox), processed here by functions/changes.ts`
      : `${plan.changesQueueUrl}${plan.sqsEndpoint ? ` via ${plan.sqsEndpoint}` : ""} (processed by that deployment's changes function, not here)`,
  );
  if (pipeline) {
    row(
      "Event bus",
      `${plan.eventBusName}${plan.eventBridgeEndpoint ? ` at ${plan.eventBridgeEndpoint}` : ""}${ours(plan.eventBridgeEndpoint, described?.eventBridge.endpoint)}`,
    );
  }
  const sandboxSecrets = described && plan.secretsManager === described.secretsManager.endpoint;
  row(
    "Providers",
    sandboxSecrets
      ? "each connection's own baseUrl (the demo connections: the sandbox's emulators)"
      : "each connection's own baseUrl",
  );
  if (sandboxSecrets) {
    row("Callbacks", callbackLine);
    row("Sandbox control", `${described.control.baseUrl} (npm run sandbox -- org …)`);
  } else {
    row(
      "Callbacks",
      "register https://<a public URL of this API>/v1/connections/<id>/callback in each provider's console (README, Change events)",
    );
  }
  for (const note of plan.env.notes) row("Note", note);
  if (sandboxSecrets) {
    const port = new URL(described.secretsManager.endpoint).port;
    lines.push(
      "",
      `Demo connections: ${described.connections.join(", ")}`,
      Number(port) === DEFAULT_SECRETS_MANAGER_PORT
        ? "Manage them with: npm run connections -- list | show | test | add | remove"
        : `Manage them with: DIRGATE_SECRETS_MANAGER_ENDPOINT=${described.secretsManager.endpoint} npm run connections -- list`,
      "",
      "Try:",
      `  curl -s -X POST ${url}/v1/connections/demo-dingtalk/users/by-mobile -H 'content-type: application/json' -d '{"mobile":"13800138000"}'`,
      `  curl -s ${url}/v1/connections/demo-dingtalk/users/zhangsan`,
      `  curl -s ${url}/v1/connections/demo-dingtalk-legacy/users/zhangsan`,
      `  curl -s ${url}/v1/connections/demo-feishu/users/3e3cf96b`,
      `  curl -s '${url}/v1/connections/demo-feishu/departments/od-5caa30529e8feabe141512b5c3c7153a/users?pageSize=50'`,
      `  curl -s ${url}/v1/connections/demo-wecom/users/zhangsan`,
      `  curl -s -X POST ${url}/v1/connections/demo-eiam/users/by-mobile -H 'content-type: application/json' -d '{"mobile":"15204130007"}'`,
    );
  }
  lines.push("", `API reference: ${url}/docs   OpenAPI: ${url}/v1/openapi.json   Health: ${url}/v1/health`);
  if (sandbox && sandboxSecrets && pipeline && described) {
    const control = described.control.baseUrl;
    const where = control === `http://127.0.0.1:${DEFAULT_CONTROL_PORT}` ? "" : ` --sandbox ${control}`;
    lines.push(
      "",
      "Change events: change the demo org in another terminal, e.g.",
      `  npm run sandbox -- org update-person zhangsan --title CTO${where}`,
      "DingTalk, Feishu and WeCom push signed callbacks here; each change becomes one directory.user.updated",
      `event per connection on the bus, printed below as it lands and copied to the queue ${pipeline.eventsQueueUrl.split("/").pop()}:`,
      `  AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox aws sqs receive-message --region us-east-1 \\`,
      `    --endpoint-url ${described.sqs.endpoint} --queue-url ${pipeline.eventsQueueUrl} --max-number-of-messages 10`,
    );
  }
  return lines.join("\n");
}

/** Prints each dirgate event as it lands on the sandbox's bus (read from the emulator, nothing consumed). */
function tailEvents(sbx: Sandbox, bus: string): NodeJS.Timeout {
  let seen = sbx.eventBridge.events().length;
  const timer = setInterval(() => {
    const records = sbx.eventBridge.events();
    for (const record of records.slice(seen)) {
      if (record.eventBusName !== bus || record.event.source !== "dirgate") continue;
      const detail = record.event.detail as {
        connection?: string;
        userId?: string;
        departmentId?: string;
        upstream?: { type?: string };
      };
      const subject = detail.userId ?? detail.departmentId ?? "";
      process.stdout.write(
        `event ${record.event["detail-type"]} ${detail.connection ?? ""} ${subject} (${detail.upstream?.type ?? "?"})\n`,
      );
    }
    seen = records.length;
  }, 500);
  timer.unref();
  return timer;
}
