import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Failure, oneLine, UsageError } from "./cli-errors.ts";
import type { Command } from "./connections-commands.ts";
import {
  CALLBACK_FLAGS,
  type ConnectionsCliIo,
  FIELD_FLAGS,
  OPTIONS,
  type Values,
} from "./connections-options.ts";
import { DEFAULT_SECRETS_MANAGER_PORT, EnvironmentError } from "./environment.ts";

export type { ConnectionsCliIo } from "./connections-options.ts";

/**
 * `npm run connections -- add|list|show|test|remove`: the connection secrets of whatever Secrets
 * Manager the environment names (the variables `npm start` reads). Without
 * `DIRGATE_SECRETS_MANAGER_ENDPOINT` it talks to the local sandbox's, on port 4598: the one a
 * running `npm start` (or `npm run sandbox`) holds. It never starts a sandbox of its own: a
 * throwaway one would list only the demo connections and forget everything `add` wrote.
 */
export const CONNECTIONS_USAGE = `usage: npm run connections -- <command> [options]

commands:
  list                          the connections under the prefix: id and provider
  show <id>                     the connection's fields, every secret value masked
  test <id> [--user ID | --mobile M | --email E]
                                build its client as the functions do, fetch a token and one user
                                (or the one named), and say which credential, scope or IP is wrong
  add <id> --provider P [field flags] [--json '{…}'] [--file f.json|-] [--force]
                                validate against the connection schema, then create the secret
                                (--force replaces the value of an existing one)
  remove <id> [--force]         delete the secret (recoverable for 30 days; --force: at once)

field flags (add): --app-key --app-secret --user-api v2|legacy (dingtalk); --app-id --app-secret
  (feishu); --corp-id --corp-secret (wecom); --client-id --client-secret --client-auth basic|form
  (eiam); --base-url URL, --expose FIELD…, --rate-limit N, --allow ENTRY… (any provider);
  --callback-token --callback-aes-key --callback-verification-token --callback-encrypt-key
  --callback-encoding-aes-key. Anything else with --json or --file (--file - reads stdin: keeps
  secrets out of your shell history).

where (the environment npm start reads; flags override it):
  --endpoint URL   DIRGATE_SECRETS_MANAGER_ENDPOINT: a URL, or \`aws\` for the region's AWS endpoint;
                   unset = the local sandbox's, http://127.0.0.1:${DEFAULT_SECRETS_MANAGER_PORT} (npm start / npm run sandbox)
  --prefix P       DIRGATE_SECRET_PREFIX: secrets are {prefix}/connections/{id}; default dirgate/local
  --region R       AWS_REGION (else your AWS profile's); credentials: AWS_PROFILE, AWS_ACCESS_KEY_ID…,
                   or the AWS SDK's default chain

exit status: 0 done, 1 the operation failed (the message says why), 2 a usage error.`;

/** A connection id: one path segment (README, "Connections"; `ConnectionIdSchema`). */
const CONNECTION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Runs one command; resolves to the exit code. Never throws. */
export async function runConnectionsCli(argv: string[], io: ConnectionsCliIo): Promise<number> {
  try {
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }) as never;
    } catch (error) {
      throw new UsageError(oneLine(error));
    }
    const { values, positionals } = parsed;
    if (values["help"]) {
      io.out(`${CONNECTIONS_USAGE}\n`);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError("no command (list, show, test, add, remove)");
    const [command, id, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(" ")}`);
    const needsId = command !== "list";
    if (!["list", "show", "test", "add", "remove"].includes(command!)) {
      throw new UsageError(`unknown command ${command} (list, show, test, add, remove)`);
    }
    if (needsId) {
      if (!id) throw new UsageError(`${command} needs a connection id`);
      if (!CONNECTION_ID.test(id)) {
        throw new UsageError(`${id} is not a connection id (letters, digits, - and _; at most 64)`);
      }
    } else if (id) {
      throw new UsageError(`list takes no id (got ${id})`);
    }
    checkFlagsBelong(command!, values);
    // The commands (and the SDK, zod schemas, provider clients) load only now: --help stays instant.
    const commands = await import("./connections-commands.ts");
    return await commands.runCommand(command as Command, id, values, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof EnvironmentError) {
      io.err(`npm run connections: ${error.message} (npm run connections -- --help)\n`);
      return 2;
    }
    if (error instanceof Failure) {
      io.err(`${error.message}\n`);
      return 1;
    }
    io.err(`npm run connections: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

function checkFlagsBelong(command: string, values: Values): void {
  const allowed: Record<string, string[]> = {
    list: [],
    show: [],
    test: ["user", "mobile", "email"],
    add: [
      "provider",
      "json",
      "file",
      "force",
      "expose",
      "rate-limit",
      "allow",
      ...Object.keys(FIELD_FLAGS),
      ...Object.keys(CALLBACK_FLAGS),
    ],
    remove: ["force"],
  };
  const global = ["help", "endpoint", "prefix", "region"];
  for (const [flag, value] of Object.entries(values)) {
    if (value === undefined || global.includes(flag)) continue;
    if (!allowed[command]!.includes(flag)) throw new UsageError(`--${flag} is not an option of ${command}`);
  }
  if (command === "test" && ["user", "mobile", "email"].filter((f) => values[f] !== undefined).length > 1) {
    throw new UsageError("test takes one of --user, --mobile, --email");
  }
}

// `npm run connections`: run when this file is the program (not when imported).
if (isProgram(process.argv[1])) {
  // The SDK's notice that its 2027 releases need Node 22 would bury every answer on Node 20 (its own switch).
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  process.exitCode = await runConnectionsCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  });
}

function isProgram(entry: string | undefined): boolean {
  try {
    return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}
