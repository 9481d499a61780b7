import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { DEMO_CREDENTIALS, runControlCli, type Sandbox, startSandbox } from "@dirgate/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/sandbox.ts";

/**
 * `npm start` as a user runs it, twice: with nothing set (everything from the sandbox), and pointed
 * at another Secrets Manager and prefix (a second sandbox's, in this process), which it must honour:
 * serve the connections found there, say at start-up what it is connected to, print no credential.
 */
const PREFIX = "acme/test";
const SECRET_KEY = "start-test-secret-Vb7Qm2Kx9Lz4";
const SESSION = "start-test-session-Hn3Pw8Rt1Yc6";
const run = promisify(execFile);

/** A running `npm start`: its URL, what it printed so far, and its exit. */
interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<unknown>;
}

/** Spawns `npm start` with exactly `vars` set among the DIRGATE_* and AWS_* variables. */
async function start(vars: Record<string, string>): Promise<Started> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith("DIRGATE_") || name.startsWith("AWS_")) delete env[name];
  const child = spawn(process.execPath, ["--import", "tsx", "packages/dev/src/start.ts"], {
    env: { ...env, PORT: "0", LOG_LEVEL: "SILENT", ...vars },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = once(child, "exit");
  child.stderr!.on("data", (data: Buffer) => {
    output += data.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on("line", (line) => {
      output += `${line}\n`;
      const found = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (found) resolve(found[1]!);
    });
    child.once("exit", (code) => reject(new Error(`npm start exited (${code}): ${output}`)));
  });
  // The banner follows the first line at once.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { child, url, output: () => output, exited };
}

let other: Sandbox;
let pointed: Started;
let plain: Started;

beforeAll(async () => {
  other = await startSandbox({ secretPrefix: PREFIX, orgSize: 20 });
  // A connection that exists only there, and one under the default prefix that must stay unseen.
  other.secretsManager.putSecret(`${PREFIX}/connections/acme-feishu`, {
    provider: "feishu",
    ...DEMO_CREDENTIALS.feishu,
    baseUrl: other.feishu.emulator.baseUrl,
  });
  other.secretsManager.putSecret("dirgate/local/connections/only-local", {
    provider: "feishu",
    ...DEMO_CREDENTIALS.feishu,
    baseUrl: other.feishu.emulator.baseUrl,
  });
  [pointed, plain] = await Promise.all([
    start({
      DIRGATE_SECRETS_MANAGER_ENDPOINT: other.describe().secretsManager.endpoint,
      DIRGATE_SECRET_PREFIX: PREFIX,
      AWS_REGION: "eu-central-1",
      AWS_ACCESS_KEY_ID: "AKIDSTARTTEST",
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      AWS_SESSION_TOKEN: SESSION,
    }),
    start({}),
  ]);
}, 90_000);

afterAll(async () => {
  for (const started of [pointed, plain]) started?.child.kill("SIGTERM");
  await Promise.all([pointed?.exited, plain?.exited]);
  await other?.stop();
});

describe("npm start against another Secrets Manager endpoint and prefix", () => {
  it("says what it is connected to: that endpoint, the prefix, the region — never a credential", () => {
    const endpoint = other.describe().secretsManager.endpoint;
    const stdout = pointed.output();
    expect(stdout).toContain(
      `Secrets Manager  ${endpoint}, secrets ${PREFIX}/connections/{id}, region eu-central-1`,
    );
    expect(stdout).toMatch(/Credentials\s+environment/);
    expect(stdout).not.toContain(SECRET_KEY);
    expect(stdout).not.toContain(SESSION);
    // Its own sandbox runs only the change pipeline: no demo banner for connections it does not read.
    expect(stdout).not.toContain("Demo connections:");
  });

  it("serves the demo connection found there, through that sandbox's Secrets Manager and emulators", async () => {
    other.secretsManager.emulator.startRecording();
    const before = other.dingtalk.emulator.counter("POST /topapi/v2/user/get");
    const answer = await call(`${pointed.url}/v1/connections/demo-dingtalk/users/zhangsan`);
    const recorded = other.secretsManager.emulator.stopRecording();
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ provider: "dingtalk", id: "zhangsan" });
    expect(other.dingtalk.emulator.counter("POST /topapi/v2/user/get")).toBe(before + 1);
    // Read under the prefix, signed for the region and with the credentials the environment names.
    const read = recorded.find((r) => String(r.headers["x-amz-target"]).endsWith("GetSecretValue"));
    expect(read, JSON.stringify(recorded.map((r) => r.headers["x-amz-target"]))).toBeDefined();
    expect(String(read!.headers.authorization)).toContain("Credential=AKIDSTARTTEST/");
    expect(String(read!.headers.authorization)).toContain("/eu-central-1/secretsmanager/aws4_request");
    expect(read!.headers["x-amz-security-token"]).toBe(SESSION);
  });

  it("serves a connection that exists only there, and not one under another prefix", async () => {
    const only = await call(`${pointed.url}/v1/connections/acme-feishu/users/3e3cf96b`);
    expect(only.status, only.text).toBe(200);
    expect(only.json).toMatchObject({ provider: "feishu", connection: "acme-feishu" });
    const elsewhere = await call(`${pointed.url}/v1/connections/only-local/users/3e3cf96b`);
    expect([elsewhere.status, elsewhere.json.code]).toEqual([404, "CONNECTION_NOT_FOUND"]);
  });
});

describe("npm start with nothing set: the sandbox", () => {
  it("prints what it is connected to, a curl line for every provider, and the change-event walkthrough", () => {
    const banner = plain.output();
    expect(banner).toMatch(/Secrets Manager\s+http:\/\/127\.0\.0\.1:\d+ \(sandbox\), secrets dirgate\/local/);
    expect(banner).toMatch(/Credentials\s+sandbox/);
    expect(banner).toMatch(/Changes queue\s+.*dirgate-changes\.fifo \(sandbox\), processed here/);
    expect(banner).toMatch(
      /Callbacks\s+demo-dingtalk, demo-dingtalk-legacy, demo-feishu, demo-wecom-contacts push here \(URLs verified\)/,
    );
    for (const connection of [
      "demo-dingtalk",
      "demo-dingtalk-legacy",
      "demo-feishu",
      "demo-wecom",
      "demo-eiam",
    ]) {
      expect(banner).toContain(
        `curl -s ${connection === "demo-eiam" ? "-X POST " : ""}${plain.url}/v1/connections/${connection}/`,
      );
    }
    expect(banner).toContain("npm run sandbox -- org update-person zhangsan --title CTO");
    expect(banner).toMatch(
      /aws sqs receive-message --region us-east-1 \\\n\s+--endpoint-url http:\/\/127\.0\.0\.1:\d+ --queue-url \S+dirgate-directory-events/,
    );
  });

  it("a change made with `npm run sandbox -- org` arrives as directory.user.updated events, printed", async () => {
    const control = /Sandbox control\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(plain.output())?.[1];
    expect(control).toBeDefined();
    const code = await runControlCli(
      ["org", "update-person", "zhangsan", "--title", "CTO", "--sandbox", control!],
      { out: () => {}, err: () => {} },
    );
    expect(code).toBe(0);
    const wanted = ["demo-dingtalk", "demo-dingtalk-legacy", "demo-feishu", "demo-wecom-contacts"].map(
      (connection) => `event directory.user.updated ${connection} zhangsan`,
    );
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !wanted.every((line) => plain.output().includes(line))) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const line of wanted) expect(plain.output()).toContain(line);
  }, 30_000);

  it("runs the README's 'Try it' block as pasted (NEXT taken from the previous answer)", async () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const from = readme.indexOf("```sh", readme.indexOf("## Try it"));
    const block = readme.slice(from + "```sh".length, readme.indexOf("```", from + 5));
    const script = block
      .split("\n")
      .filter((line) => !/^\s*(xdg-open|open) /.test(line))
      .join("\n")
      .replaceAll("http://127.0.0.1:3000", plain.url);
    expect(script).toContain("NEXT=");
    const { stdout } = await run(
      "bash",
      [
        "-c",
        `set -euo pipefail\n${script}\ntest -n "$NEXT" && test "$NEXT" != null && test "$NEXT" != undefined`,
      ],
      { timeout: 60_000, maxBuffer: 16 << 20 },
    );
    // Only the documented errors: no route, validation or internal failure among the answers.
    expect(stdout).not.toMatch(
      /"code":"(ROUTE_NOT_FOUND|METHOD_NOT_ALLOWED|INVALID_REQUEST|INTERNAL|CONFIG_INVALID)"/,
    );
    expect(stdout).toContain('"id":"zhangsan"');
  }, 70_000);

  it("answers HEAD, OPTIONS, a wrong method and an oversize URL like the local server does", async () => {
    const user = `${plain.url}/v1/connections/demo-dingtalk/users/zhangsan`;
    const head = await fetch(user, { method: "HEAD" });
    expect([head.status, await head.text()]).toEqual([200, ""]);
    const options = await fetch(user, { method: "OPTIONS" });
    expect([options.status, options.headers.get("allow")]).toEqual([204, "GET, HEAD, OPTIONS"]);
    const wrong = await call(user, { method: "PUT" });
    expect([wrong.status, wrong.headers.get("allow"), wrong.json.code]).toEqual([
      405,
      "GET, HEAD, OPTIONS",
      "METHOD_NOT_ALLOWED",
    ]);
    const long = await call(`${plain.url}/v1/connections/demo-dingtalk/users/${"a".repeat(18_000)}`);
    expect([long.status, long.json.code]).toEqual([414, "REQUEST_TOO_LARGE"]);
  });
});

describe("the laptop CLIs: --help and bad flags", () => {
  const node = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ["--import", "tsx", ...args], {
      timeout: 30_000,
      env: { ...process.env, ...env },
    }).then(
      ({ stdout: out, stderr }) => ({ code: 0, out, err: stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        out: error.stdout,
        err: error.stderr,
      }),
    );

  it("npm start and npm run bench: usage and exit 0; one line and exit 2", async () => {
    const [startHelp, startBad, startEnv, benchHelp, benchBad, benchBoth] = await Promise.all([
      node(["packages/dev/src/start.ts", "--help"]),
      node(["packages/dev/src/start.ts", "--port", "1"]),
      node(["packages/dev/src/start.ts"], { DIRGATE_SECRETS_MANAGER_ENDPOINT: "not a url" }),
      node(["bench/run.ts", "--help"]),
      node(["bench/run.ts", "--fast"]),
      node(["bench/run.ts", "--save", "--out", "x.json"]),
    ]);
    for (const [help, name] of [
      [startHelp, "npm start"],
      [benchHelp, "npm run bench"],
    ] as const) {
      expect(help.code, name).toBe(0);
      expect(help.out, name).toMatch(new RegExp(`^usage: ${name}`));
    }
    expect(startHelp.out).toContain("DIRGATE_SECRETS_MANAGER_ENDPOINT");
    expect(benchHelp.out).toContain("--save");
    for (const bad of [startBad, startEnv, benchBad, benchBoth]) {
      expect(bad.code, bad.err).toBe(2);
      expect(bad.err.trim().split("\n"), bad.err).toHaveLength(1);
      expect(bad.err).not.toMatch(/\n\s+at /);
    }
    expect(startEnv.err).toContain("DIRGATE_SECRETS_MANAGER_ENDPOINT is not a URL");
  }, 60_000);
});
