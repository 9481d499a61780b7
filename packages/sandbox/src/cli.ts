import { parseArgs } from "node:util";
import { DEFAULT_CONTROL_PORT } from "./push/control.ts";
import { runControlCli } from "./push/control-cli.ts";
import { startSandbox } from "./sandbox.ts";

/**
 * `npm run sandbox`: starts every emulator on 127.0.0.1 and prints one JSON line (base URLs,
 * demo credentials, the Secrets Manager endpoint, the control server) for tools to read.
 * SIGINT/SIGTERM stop it.
 *
 * `npm run sandbox -- org …` / `npm run sandbox -- callbacks …` change a running sandbox instead
 * (see `CONTROL_CLI_USAGE` in push/control-cli.ts).
 */
const argv = process.argv.slice(2);
if (argv[0] === "org" || argv[0] === "callbacks") {
  process.exitCode = await runControlCli(argv, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  });
} else {
  await serve();
}

async function serve(): Promise<void> {
  const { values } = parseArgs({
    args: argv,
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
      "control-port": { type: "string" },
      /** Push contact changes to a running dirgate, e.g. http://127.0.0.1:3000 (after URL verification). */
      "callback-target": { type: "string" },
    },
  });
  const int = (value: string | undefined) => (value === undefined ? undefined : Number.parseInt(value, 10));
  const controlPort = int(values["control-port"]);

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
      control: controlPort ?? DEFAULT_CONTROL_PORT,
    },
    // Without an explicit port, a second sandbox takes a free one (its CLI users pass --sandbox).
    controlPortFallback: controlPort === undefined,
  });
  process.stdout.write(`${JSON.stringify(sandbox.describe())}\n`);
  if (values["callback-target"]) {
    const verifications = await sandbox.callbacks.setTarget(values["callback-target"]);
    for (const v of verifications) {
      process.stderr.write(
        `callback ${v.connection} → ${v.url}: ${v.ok ? "verified" : `NOT saved (${v.error ?? `HTTP ${v.status}`})`}\n`,
      );
    }
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sandbox.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
