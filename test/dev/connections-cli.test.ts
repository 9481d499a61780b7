import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { runConnectionsCli } from "@dirgate/dev";
import { DEMO_CONNECTION_IDS, demoSecretValues, WECOM_DEMO_CREDENTIALS } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * `npm run connections -- add|list|show|test|remove` against a sandbox's Secrets Manager, named as
 * `npm start` names one (DIRGATE_SECRETS_MANAGER_ENDPOINT, DIRGATE_SECRET_PREFIX, AWS_REGION).
 */
const sbx = useSandbox();
const run = promisify(execFile);

async function cli(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}) {
  let out = "";
  let err = "";
  const code = await runConnectionsCli(args, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: {
      DIRGATE_SECRETS_MANAGER_ENDPOINT: sbx.current.describe().secretsManager.endpoint,
      DIRGATE_SECRET_PREFIX: "dirgate/local",
      AWS_REGION: "us-east-1",
      ...options.env,
    },
    ...(options.stdin !== undefined ? { stdin: () => options.stdin! } : {}),
  });
  return { code, out, err };
}

describe("npm run connections: list and show", () => {
  it("lists every connection under the prefix with its provider, nothing else", async () => {
    const { code, out } = await cli(["list"]);
    expect(code).toBe(0);
    for (const id of DEMO_CONNECTION_IDS) expect(out).toMatch(new RegExp(`\\b${id}\\s+\\w+`));
    expect(out).toMatch(/demo-eiam\s+eiam/);
    for (const secret of demoSecretValues()) expect(out).not.toContain(secret);
  });

  it("shows a connection with every secret value masked (appSecret, corpSecret, clientSecret, callback.*)", async () => {
    for (const id of ["demo-feishu", "demo-wecom-contacts", "demo-eiam", "demo-dingtalk"]) {
      const { code, out } = await cli(["show", id]);
      expect(code, id).toBe(0);
      expect(out).toContain("********");
      expect(out).toMatch(/valid \w+ connection/);
      for (const secret of demoSecretValues()) expect(out, id).not.toContain(secret);
    }
    const feishu = JSON.parse((await cli(["show", "demo-feishu"])).out.split("\n").slice(1, -2).join("\n"));
    expect(feishu).toMatchObject({
      provider: "feishu",
      appId: "cli_sbx0demo0a1b2c3d",
      appSecret: "********",
      callback: { verificationToken: "********", encryptKey: "********" },
    });
  });

  it("says when a connection does not exist, or no Secrets Manager answers", async () => {
    const missing = await cli(["show", "nobody"]);
    expect([missing.code, missing.err]).toEqual([
      1,
      expect.stringContaining("no secret dirgate/local/connections/nobody"),
    ]);
    const nothing = await cli(["list"], { env: { DIRGATE_SECRETS_MANAGER_ENDPOINT: "http://127.0.0.1:9" } });
    expect([nothing.code, nothing.err]).toEqual([1, expect.stringMatching(/no Secrets Manager answers at/)]);
  });
});

describe("npm run connections: add and remove", () => {
  it("validates against the connection schema before writing, naming fields (never values)", async () => {
    const noProvider = await cli(["add", "acme", "--app-key", "k"]);
    expect([noProvider.code, noProvider.err]).toEqual([2, expect.stringContaining("--provider")]);
    const incomplete = await cli(["add", "acme", "--provider", "dingtalk", "--app-key", "dingacme"]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.err).toMatch(/appSecret/);
    const typo = await cli([
      "add",
      "acme",
      "--json",
      '{"provider":"feishu","appId":"cli_a","appSecret":"s3cr3t-value","baseURL":"https://open.larksuite.com"}',
    ]);
    expect([typo.code, typo.err]).toEqual([2, expect.stringContaining("baseURL")]);
    expect(typo.err).not.toContain("s3cr3t-value");
    const badId = await cli(["add", "../x", "--provider", "feishu"]);
    expect(badId.code).toBe(2);
    expect((await cli(["show", "acme"])).code).toBe(1);
  });

  it("adds (CreateSecret), refuses to overwrite without --force, replaces with it (PutSecretValue)", async () => {
    const added = await cli([
      "add",
      "acme-dingtalk",
      "--provider",
      "dingtalk",
      "--app-key",
      "dingacme",
      "--app-secret",
      "first-secret",
      "--rate-limit",
      "15",
    ]);
    expect(added.code, added.err).toBe(0);
    expect(await secretJson("acme-dingtalk")).toEqual({
      provider: "dingtalk",
      appKey: "dingacme",
      appSecret: "first-secret",
      rateLimit: { perSecond: 15 },
    });
    const again = await cli([
      "add",
      "acme-dingtalk",
      "--provider",
      "dingtalk",
      "--app-key",
      "k",
      "--app-secret",
      "s",
    ]);
    expect([again.code, again.err]).toEqual([1, expect.stringContaining("--force")]);
    const replaced = await cli(["add", "acme-dingtalk", "--file", "-", "--force"], {
      stdin: '{"provider":"dingtalk","appKey":"dingacme","appSecret":"second-secret","userApi":"legacy"}',
    });
    expect(replaced.code, replaced.err).toBe(0);
    expect(await secretJson("acme-dingtalk")).toMatchObject({
      appSecret: "second-secret",
      userApi: "legacy",
    });
    const shown = await cli(["show", "acme-dingtalk"]);
    expect(shown.out).not.toContain("second-secret");
    expect((await cli(["list"])).out).toMatch(/acme-dingtalk\s+dingtalk/);
  });

  it("removes with the default recovery window, or at once with --force", async () => {
    await cli(["add", "gone-soon", "--provider", "feishu", "--app-id", "cli_x", "--app-secret", "y"]);
    await cli(["add", "gone-now", "--provider", "feishu", "--app-id", "cli_x", "--app-secret", "y"]);
    const scheduled = await cli(["remove", "gone-soon"]);
    expect([scheduled.code, scheduled.out]).toEqual([0, expect.stringContaining("scheduled for deletion")]);
    const now = await cli(["remove", "gone-now", "--force"]);
    expect([now.code, now.out]).toEqual([0, expect.stringContaining("deleted now")]);
    const listed = (await cli(["list"])).out;
    expect(listed).not.toContain("gone-soon");
    expect(listed).not.toContain("gone-now");
    expect((await cli(["remove", "gone-now"])).code).toBe(1);
  });
});

describe("npm run connections: test", () => {
  it.each(DEMO_CONNECTION_IDS)("%s: a token and one user (or why not), then OK", async (id) => {
    const { code, out } = await cli(["test", id]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/token\s+ok/);
    expect(out.trim().split("\n").at(-1)).toBe("OK");
    for (const secret of demoSecretValues()) expect(out).not.toContain(secret);
  });

  it("reads the user named with --user / --mobile", async () => {
    const byId = await cli(["test", "demo-dingtalk", "--user", "zhangsan"]);
    expect(byId.out).toMatch(/user\s+ok\s+zhangsan/);
    const byMobile = await cli(["test", "demo-eiam", "--mobile", "15204130007"]);
    expect([byMobile.code, byMobile.out]).toEqual([0, expect.stringMatching(/user\s+ok/)]);
  });

  it("names bad credentials, and which fields hold them", async () => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/bad-secret", {
      provider: "dingtalk",
      appKey: "dingsandboxdemo0001",
      appSecret: "not-the-secret",
      baseUrl: sbx.current.dingtalk.emulator.baseUrl,
    });
    const { code, out } = await cli(["test", "bad-secret"]);
    expect(code).toBe(1);
    expect(out).toMatch(/token\s+FAILED\s+bad credentials: .*appKey \/ appSecret/);
    expect(out).toContain("FAILED: bad credentials");
    expect(out).not.toContain("not-the-secret");
  });

  it("names an untrusted IP (WeCom 60020)", async () => {
    sbx.current.wecom.setApp(WECOM_DEMO_CREDENTIALS.app.name, { trustedIps: ["203.0.113.7"] });
    const { code, out } = await cli(["test", "demo-wecom"]);
    expect(code).toBe(1);
    expect(out).toMatch(/token\s+ok/);
    expect(out).toMatch(/user\s+FAILED\s+untrusted IP: .*60020/);
  });

  it("names a missing permission (a member outside the app's visibility scope)", async () => {
    const outside = sbx.current.org.people.find(
      (p) => p.in.wecom !== false && p.memberships.every((m) => m.deptKey === "board"),
    )!;
    const { code, out } = await cli(["test", "demo-wecom-legacy-app", "--user", outside.wecomUserId!]);
    expect(code).toBe(1);
    expect(out).toMatch(/missing permission: .*可见范围/);
  });

  it("names an unreachable host, an invalid secret and a missing one", async () => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/far-away", {
      provider: "feishu",
      appId: "cli_x",
      appSecret: "y",
      baseUrl: "http://127.0.0.1:9",
    });
    const far = await cli(["test", "far-away"]);
    expect([far.code, far.out]).toEqual([
      1,
      expect.stringMatching(/unreachable host: http:\/\/127\.0\.0\.1:9/),
    ]);
    sbx.current.secretsManager.putSecret("dirgate/local/connections/half", {
      provider: "eiam",
      clientId: "x",
    });
    const half = await cli(["test", "half"]);
    expect([half.code, half.out]).toEqual([1, expect.stringMatching(/secret\s+FAILED.*clientSecret/)]);
    const none = await cli(["test", "nobody"]);
    expect([none.code, none.out]).toEqual([
      1,
      expect.stringContaining("no secret dirgate/local/connections/nobody"),
    ]);
  });
});

describe("npm run connections: the command line", () => {
  it("--help prints usage and exits 0; a bad flag or command is one line and exit 2, no stack trace", async () => {
    const node = (args: string[]) =>
      run(process.execPath, ["--import", "tsx", "packages/dev/src/connections-cli.ts", ...args], {
        timeout: 30_000,
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const [help, flag, command] = await Promise.all([
      node(["--help"]),
      node(["list", "--bogus"]),
      node(["frob"]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run connections/);
    for (const bad of [flag, command]) {
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
    expect(flag.stderr).toContain("--bogus");
  }, 40_000);

  it("refuses flags that belong to another command", async () => {
    const { code, err } = await cli(["list", "--force"]);
    expect([code, err]).toEqual([2, expect.stringContaining("--force is not an option of list")]);
  });
});

async function secretJson(id: string): Promise<unknown> {
  const answer = await fetch(sbx.current.describe().secretsManager.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "secretsmanager.GetSecretValue",
      authorization: "AWS4-HMAC-SHA256 Credential=sandbox/20260101/us-east-1/secretsmanager/aws4_request",
    },
    body: JSON.stringify({ SecretId: `dirgate/local/connections/${id}` }),
  });
  return JSON.parse(((await answer.json()) as { SecretString: string }).SecretString);
}
