import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";

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
});
