import { parseArgs } from "node:util";
import { startSandbox } from "./sandbox.ts";

/**
 * `npm run sandbox`: starts every emulator on 127.0.0.1 and prints one JSON line (base URLs,
 * demo credentials, the Secrets Manager endpoint) for tools to read. SIGINT/SIGTERM stop it.
 */
const { values } = parseArgs({
  options: {
    "org-size": { type: "string" },
    seed: { type: "string" },
    prefix: { type: "string" },
    "dingtalk-port": { type: "string" },
    "feishu-port": { type: "string" },
    "wecom-port": { type: "string" },
    "eiam-port": { type: "string" },
    "secrets-manager-port": { type: "string" },
    "eventbridge-port": { type: "string" },
  },
});
const int = (value: string | undefined) => (value === undefined ? undefined : Number.parseInt(value, 10));

const sandbox = await startSandbox({
  orgSize: int(values["org-size"]),
  seed: int(values.seed),
  secretPrefix: values.prefix,
  ports: {
    dingtalk: int(values["dingtalk-port"]),
    feishu: int(values["feishu-port"]),
    wecom: int(values["wecom-port"]),
    eiam: int(values["eiam-port"]),
    secretsManager: int(values["secrets-manager-port"]),
    eventBridge: int(values["eventbridge-port"]),
  },
});
process.stdout.write(`${JSON.stringify(sandbox.describe())}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await sandbox.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
