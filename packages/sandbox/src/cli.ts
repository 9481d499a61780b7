import { parseArgs } from "node:util";
import { DEFAULT_CONTROL_PORT } from "./push/control.ts";
import { DEFAULT_SECRETS_MANAGER_PORT, runControlCli } from "./push/control-cli.ts";
import { type Sandbox, type SandboxOptions, startSandbox } from "./sandbox.ts";

/**
 * `npm run sandbox`: starts every emulator on 127.0.0.1 and prints one JSON line (base URLs,
 * demo credentials, the Secrets Manager endpoint, the control server) for tools to read.
 * SIGINT/SIGTERM stop it.
 *
 * `npm run sandbox -- org …` / `npm run sandbox -- callbacks …` change a running sandbox instead
 * (see `CONTROL_CLI_USAGE` in push/control-cli.ts).
 */
export const SANDBOX_USAGE = `usage: npm run sandbox [-- options]       start every emulator; print one JSON line (URLs, demo credentials)
       npm run sandbox -- org|callbacks …  change a running sandbox (npm run sandbox -- org --help)

options:
  --org-size N                generated people besides the seed identities (default 300)
  --seed N                    PRNG seed of the demo organisation and the fault dice
  --prefix P                  secret prefix of the demo connections (default dirgate/local)
  --secrets-manager-port N    default ${DEFAULT_SECRETS_MANAGER_PORT} when free (where \`npm run connections\` looks), else any
  --control-port N            default ${DEFAULT_CONTROL_PORT} when free (where \`npm run sandbox -- org\` looks), else any
  --dingtalk-port N, --feishu-port N, --wecom-port N, --eiam-port N, --sqs-port N, --eventbridge-port N
                              fixed ports (default: any free port)
  --callback-target URL       push contact changes to a running dirgate, e.g. http://127.0.0.1:3000
                              (\`npm start\` connects its own sandbox by itself)
  -h, --help                  this text

SIGINT/SIGTERM stop it.`;

const PORT_FLAGS = {
  "dingtalk-port": "dingtalk",
  "feishu-port": "feishu",
  "wecom-port": "wecom",
  "eiam-port": "eiam",
  "sqs-port": "sqs",
  "secrets-manager-port": "secretsManager",
  "eventbridge-port": "eventBridge",
  "control-port": "control",
} as const;

/** A mistake on the command line: one line on stderr, exit 2. */
class UsageError extends Error {}

const argv = process.argv.slice(2);
if (argv[0] === "org" || argv[0] === "callbacks") {
  process.exitCode = await runControlCli(argv, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  });
} else {
  try {
    await serve();
  } catch (error) {
    process.stderr.write(
      error instanceof UsageError
        ? `npm run sandbox: ${error.message} (npm run sandbox -- --help)\n`
        : `npm run sandbox: ${(error as Error)?.message ?? String(error)}\n`,
    );
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

async function serve(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean", short: "h" },
        "org-size": { type: "string" },
        seed: { type: "string" },
        prefix: { type: "string" },
        ...Object.fromEntries(Object.keys(PORT_FLAGS).map((f) => [f, { type: "string" as const }])),
        /** Push contact changes to a running dirgate, e.g. http://127.0.0.1:3000 (after URL verification). */
        "callback-target": { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    const message = (error as Error).message.split("\n")[0] ?? "";
    throw new UsageError(/positional/i.test(message) ? `${message} (commands: org, callbacks)` : message);
  }
  if (values["help"]) {
    process.stdout.write(`${SANDBOX_USAGE}\n`);
    return;
  }
  const int = (flag: string, min: number, max: number) => {
    const value = values[flag];
    if (typeof value !== "string") return undefined;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, not ${value}`);
    }
    return Number(value);
  };
  const ports: NonNullable<SandboxOptions["ports"]> = {};
  for (const [flag, name] of Object.entries(PORT_FLAGS)) {
    const port = int(flag, 0, 65_535);
    if (port !== undefined) ports[name] = port;
  }
  const target = values["callback-target"];
  if (typeof target === "string" && !/^https?:\/\/[^/]/.test(target)) {
    throw new UsageError(`--callback-target takes a URL like http://127.0.0.1:3000, not ${target}`);
  }
  const options: SandboxOptions = {
    orgSize: int("org-size", 0, 100_000),
    seed: int("seed", 0, 2 ** 31 - 1),
    ...(typeof values["prefix"] === "string" ? { secretPrefix: values["prefix"] } : {}),
    ports: { ...ports, control: ports.control ?? DEFAULT_CONTROL_PORT },
    // Without an explicit port, a second sandbox takes a free one (its CLI users pass --sandbox).
    controlPortFallback: ports.control === undefined,
  };
  const sandbox = await startPreferring(options, ports.secretsManager === undefined);
  process.stdout.write(`${JSON.stringify(sandbox.describe())}\n`);
  if (typeof target === "string") {
    const verifications = await sandbox.callbacks.setTarget(target);
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

/** Starts with Secrets Manager on its well-known port when free (unless one was named), else on any. */
async function startPreferring(options: SandboxOptions, preferDefault: boolean): Promise<Sandbox> {
  if (!preferDefault) return startSandbox(options);
  try {
    return await startSandbox({
      ...options,
      ports: { ...options.ports, secretsManager: DEFAULT_SECRETS_MANAGER_PORT },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return startSandbox(options);
  }
}
