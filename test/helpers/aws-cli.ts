import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";

/** What one `aws` command did: exit code, output, and stdout parsed as JSON when it is. */
export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/** Runs `aws` commands against emulator endpoints; close() ends it. */
export interface AwsCli {
  run(endpoint: string, args: string[]): Promise<AwsCliResult>;
  close(): void;
}

/**
 * Dummy credentials, a region, and no config or credentials file: nothing reaches the network or a
 * developer's AWS account.
 */
const CLI_ENV = {
  AWS_ACCESS_KEY_ID: "x",
  AWS_SECRET_ACCESS_KEY: "x",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_EC2_METADATA_DISABLED: "true",
  PYTHONWARNINGS: "ignore",
};

/**
 * The Python side of a CLI session: each line of stdin is one command, run through
 * `awscli.clidriver.create_clidriver().main(argv)` — what the `aws` script itself does — with a
 * fresh driver per command, its output captured and answered as one JSON line.
 */
const SESSION_DRIVER = `
import contextlib, io, json, sys
import awscli.clidriver
for line in sys.stdin:
    request = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = awscli.clidriver.create_clidriver().main(request["argv"])
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
    sys.__stdout__.write(json.dumps({"id": request["id"], "code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}) + "\\n")
    sys.__stdout__.flush()
`;

/** The `aws` executable on PATH, or undefined (CI has the AWS CLI; a laptop may not). */
function findAwsOnPath(): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const candidate = join(dir, "aws");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Whether an `aws` executable is on PATH. */
export function awsCliOnPath(): boolean {
  return findAwsOnPath() !== undefined;
}

let resolved: string | undefined;

/** `aws` from PATH, or the script a pyenv shim stands for (the shim costs ~0.1 s a call). */
function awsExecutable(): string {
  if (resolved) return resolved;
  const found = findAwsOnPath() ?? "aws";
  resolved = found;
  try {
    if (readFileSync(found, "utf8").slice(0, 400).includes("pyenv")) {
      resolved = execFileSync("pyenv", ["which", "aws"], { encoding: "utf8" }).trim() || found;
    }
  } catch {
    resolved = found;
  }
  return resolved;
}

/** The interpreter line of the `aws` script (AWS CLI v1 is a Python script), or undefined (v2 is a binary). */
function awsInterpreter(): string[] | undefined {
  try {
    const first = readFileSync(awsExecutable(), "utf8").split("\n", 1)[0] ?? "";
    return first.startsWith("#!") && first.includes("python")
      ? first.slice(2).trim().split(/\s+/)
      : undefined;
  } catch {
    return undefined;
  }
}

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("AWS_")) delete env[key];
  return { ...env, ...CLI_ENV };
}

const argvFor = (endpoint: string, args: string[]) => [
  "--endpoint-url",
  endpoint,
  "--region",
  "us-east-1",
  "--output",
  "json",
  ...args,
];

function result(code: number, stdout: string, stderr: string): AwsCliResult {
  let json: unknown;
  try {
    json = stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}

/** Runs the `aws` executable once (a fresh process, as a user would); never throws on a non-zero exit. */
export function aws(endpoint: string, args: string[], timeoutMs = 30_000): Promise<AwsCliResult> {
  return new Promise((resolve) => {
    execFile(
      awsExecutable(),
      argvFor(endpoint, args),
      { env: cliEnv(), timeout: timeoutMs },
      (error, stdout, stderr) => {
        resolve(result(error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr));
      },
    );
  });
}

/**
 * A CLI session: the AWS CLI's own Python code in one interpreter, so a command costs ~0.15 s instead
 * of ~0.7 s of start-up. Commands of a session run one after another; open one per concurrent chain.
 * Where `aws` is not a Python script, each command falls back to its own process.
 */
export function startAwsCli(timeoutMs = 30_000): AwsCli {
  const interpreter = awsInterpreter();
  if (!interpreter) return { run: (endpoint, args) => aws(endpoint, args, timeoutMs), close: () => {} };
  const [command, ...flags] = interpreter as [string, ...string[]];
  const child: ChildProcess = spawn(command, [...flags, "-u", "-c", SESSION_DRIVER], {
    env: cliEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const pending = new Map<number, { resolve: (r: AwsCliResult) => void; reject: (e: Error) => void }>();
  let diagnostics = "";
  let sequence = 0;
  child.stderr?.on("data", (chunk: Buffer) => {
    diagnostics += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const answer = JSON.parse(line) as { id: number; code: number; stdout: string; stderr: string };
    pending.get(answer.id)?.resolve(result(answer.code, answer.stdout, answer.stderr));
    pending.delete(answer.id);
  });
  child.on("exit", (code) => {
    for (const { reject } of pending.values())
      reject(new Error(`aws CLI session exited (${code}): ${diagnostics}`));
    pending.clear();
  });
  return {
    run(endpoint, args) {
      sequence += 1;
      const id = sequence;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          child.kill();
          reject(new Error(`aws ${args.join(" ")}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.stdin?.write(`${JSON.stringify({ id, argv: argvFor(endpoint, args) })}\n`);
      });
    },
    close() {
      child.stdin?.end();
      child.kill();
    },
  };
}
