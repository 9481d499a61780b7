import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { DEFAULT_SECRETS_MANAGER_PORT } from "@dirgate/dev";
import { describe, expect, it } from "vitest";
import { DEFAULT_SECRETS_MANAGER_PORT as SANDBOX_SECRETS_MANAGER_PORT } from "../../packages/sandbox/src/push/control-cli.ts";

describe("npm run sandbox (CLI)", () => {
  it("prints one JSON line with every emulator, answers on it, and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "packages/sandbox/src/cli.ts", "--org-size", "50"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
      const described = JSON.parse(line);
      expect(Object.keys(described)).toEqual(
        expect.arrayContaining(["dingtalk", "feishu", "eiam", "secretsManager"]),
      );
      expect(described.dingtalk).toMatchObject({
        baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      });
      expect(described.feishu.appId).toBeTruthy();
      expect(described.eiam.clientId).toBeTruthy();
      const { appKey, appSecret, baseUrl } = described.dingtalk;
      const answer = await fetch(`${baseUrl}/gettoken?appkey=${appKey}&appsecret=${appSecret}`);
      const token = (await answer.json()) as { errcode: number };
      expect(token.errcode).toBe(0);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("--help prints usage and exits 0; a bad flag or value is one line and exit 2, no stack trace", async () => {
    const run = promisify(execFile);
    const cli = (...args: string[]) =>
      run(process.execPath, ["--import", "tsx", "packages/sandbox/src/cli.ts", ...args], {
        timeout: 30_000,
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const [help, orgHelp, flag, value, stray, orgFlag] = await Promise.all([
      cli("--help"),
      cli("org", "--help"),
      cli("--bogus"),
      cli("--org-size", "many"),
      cli("frobnicate"),
      cli("org", "show-person", "zhangsan", "--bogus"),
    ]);
    expect([help.code, orgHelp.code]).toEqual([0, 0]);
    expect(help.stdout).toMatch(/^usage: npm run sandbox/);
    expect(help.stdout).toContain("--secrets-manager-port");
    expect(orgHelp.stdout).toContain("org update-person");
    for (const bad of [flag, value, stray, orgFlag]) {
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr.trim().split("\n"), bad.stderr).toHaveLength(1);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
    expect(flag.stderr).toContain("--bogus");
    expect(value.stderr).toContain("--org-size");
  }, 40_000);

  it("gives Secrets Manager the port `npm run connections` looks at (the dev package's constant)", () => {
    expect(SANDBOX_SECRETS_MANAGER_PORT).toBe(DEFAULT_SECRETS_MANAGER_PORT);
  });
});
