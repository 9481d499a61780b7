import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { DEMO_CALLBACK_CREDENTIALS, DEMO_CREDENTIALS, runControlCli } from "@dirgate/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, useSandbox } from "../helpers/sandbox.ts";
import { dingTalkSuccess, openDingTalk, TestReceiver, type WxCredentials } from "./push-receiver.ts";

const DT: WxCredentials = {
  token: DEMO_CALLBACK_CREDENTIALS.dingtalk.token,
  encodingAESKey: DEMO_CALLBACK_CREDENTIALS.dingtalk.aesKey,
  receiveId: DEMO_CREDENTIALS.dingtalk.appKey,
};

const sbx = useSandbox({ orgSize: 10 });
const receiver = new TestReceiver();
let control = "";
let base = "";

beforeAll(async () => {
  control = sbx.current.control.baseUrl;
  base = await receiver.start();
  receiver.respond = (req) =>
    req.url.pathname.includes("demo-dingtalk") ? { status: 200, body: dingTalkSuccess(DT) } : { status: 200 };
  await sbx.current.callbacks.setTarget(base, { verify: false });
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
});

const send = (method: string, path: string, body?: unknown) =>
  call(`${control}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Runs the CLI in-process against this sandbox's control server. */
async function cli(...args: string[]) {
  let out = "";
  let err = "";
  const code = await runControlCli([...args, "--sandbox", control], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err, json: code === 0 ? JSON.parse(out) : undefined };
}

describe("control server", () => {
  it("changes a person: the org, the emulators and the callbacks all see it", async () => {
    // Act
    const answer = await send("PATCH", "/org/people/zhangsan", { title: "CTO", nickname: null });
    await sbx.current.callbacks.idle();
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ key: "zhangsan", title: "CTO" });
    expect(answer.json.nickname).toBeUndefined();
    expect(sbx.current.org.personByKey.get("zhangsan")!.title).toBe("CTO");
    const [push] = receiver.to("demo-dingtalk");
    expect(openDingTalk(push!, DT)).toMatchObject({ EventType: "user_modify_org", userId: ["zhangsan"] });
  });

  it("adds and removes people and departments; departments shortcut, manager shortcut, partial `in`", async () => {
    const dept = await send("POST", "/org/departments", { key: "ctl-dept", name: "控制组", parentKey: "rd" });
    expect(dept.status).toBe(201);
    const added = await send("POST", "/org/people", {
      key: "ctl-person",
      name: "控制",
      departments: ["ctl-dept", "sales"],
      manager: "zhangsan",
    });
    expect(added.status).toBe(201);
    expect(
      added.json.memberships.map((m: { deptKey: string; primary: boolean }) => [m.deptKey, m.primary]),
    ).toEqual([
      ["ctl-dept", true],
      ["sales", false],
    ]);
    expect(added.json.managerKey).toBe("zhangsan");
    const moved = await send("PATCH", "/org/people/ctl-person", {
      departments: ["sales"],
      in: { wecom: false },
    });
    expect(moved.json.memberships).toHaveLength(1);
    expect(moved.json.in).toEqual({ dingtalk: true, feishu: true, eiam: true, wecom: false });
    expect((await send("DELETE", "/org/people/ctl-person")).status).toBe(200);
    expect((await send("DELETE", "/org/departments/ctl-dept")).status).toBe(200);
    expect(sbx.current.org.departmentByKey.has("ctl-dept")).toBe(false);
  });

  it("answers 404 for an unknown record and 400 for a change the org refuses", async () => {
    expect((await send("PATCH", "/org/people/nobody-here", { title: "x" })).status).toBe(404);
    const refused = await send("PATCH", "/org/people/zhangsan", { departments: ["no-such-dept"] });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/no department no-such-dept/);
    expect((await send("DELETE", "/org/departments/rd")).json.error).toMatch(/sub-departments/);
    expect((await call(`${control}/org/people`, { method: "POST", body: "{not json" })).status).toBe(400);
    expect((await send("GET", "/nowhere")).status).toBe(404);
  });

  it("drives the callbacks: state, knobs, deliveries, target", async () => {
    const state = await send("GET", "/callbacks");
    expect(state.json.connections.map((c: { connection: string }) => c.connection)).toContain(
      "demo-wecom-contacts",
    );
    expect((await send("POST", "/callbacks/knobs", { retryScale: 0.5 })).json.retryScale).toBe(0.5);
    expect((await send("POST", "/callbacks/knobs", { tamper: 3 })).status).toBe(400);
    await send("PATCH", "/org/people/lisi", { title: "via control" });
    expect((await send("POST", "/callbacks/idle")).json).toEqual({ idle: true });
    const deliveries = await send("GET", "/callbacks/deliveries");
    expect(deliveries.json.map((d: { connection: string }) => d.connection)).toContain("demo-dingtalk");
    const target = await send("PUT", "/callbacks/target", { baseUrl: null });
    expect(target.json).toEqual({ targets: {}, verifications: [] });
    await sbx.current.callbacks.setTarget(base, { verify: false });
  });
});

describe("npm run sandbox -- org … (the CLI)", () => {
  it("update-person with flags", async () => {
    const result = await cli(
      "org",
      "update-person",
      "zhangsan",
      "--title",
      "Chief",
      "--mobile",
      "+852 51234567",
    );
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({
      title: "Chief",
      mobile: { countryCode: "852", national: "51234567" },
    });
  });

  it("add-person, update-department, remove-person, add/remove-department", async () => {
    expect(
      (await cli("org", "add-department", "cli-dept", "--name", "命令行组", "--parent", "sales")).code,
    ).toBe(0);
    const added = await cli(
      "org",
      "add-person",
      "cli-person",
      "--name",
      "命令行",
      "--department",
      "cli-dept",
      "--mobile",
      "13912345678",
      "--in-wecom",
      "false",
    );
    expect(added.code).toBe(0);
    expect(added.json).toMatchObject({
      key: "cli-person",
      in: { wecom: false },
      mobile: { countryCode: "86" },
    });
    const renamed = await cli(
      "org",
      "update-department",
      "cli-dept",
      "--name",
      "命令行二组",
      "--feishu-scope",
      "false",
    );
    expect(renamed.json).toMatchObject({ name: "命令行二组", inFeishuScope: false });
    expect(
      (await cli("org", "update-person", "cli-person", "--unset", "mobile")).json.mobile,
    ).toBeUndefined();
    expect((await cli("org", "remove-person", "cli-person")).code).toBe(0);
    expect((await cli("org", "remove-department", "cli-dept")).code).toBe(0);
  });

  it("says what is wrong: usage (2), refusals and unknown records (1), no sandbox (1)", async () => {
    expect((await cli("org", "frobnicate")).code).toBe(2);
    expect((await cli("org", "update-person", "zhangsan", "--status", "retired")).err).toMatch(
      /not a status/,
    );
    const unknown = await cli("org", "remove-person", "nobody-here");
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringContaining("404")]);
    let err = "";
    const code = await runControlCli(["org", "show-person", "zhangsan", "--sandbox", "http://127.0.0.1:9"], {
      out: () => {},
      err: (t) => {
        err += t;
      },
    });
    expect(code).toBe(1);
    expect(err).toMatch(/no sandbox answers/);
  });

  it("the real command line finds a running sandbox through DIRGATE_SANDBOX_URL", async () => {
    // Prepare: `npm run sandbox` on a free control port
    const server = spawn(
      process.execPath,
      ["--import", "tsx", "packages/sandbox/src/cli.ts", "--org-size", "5", "--control-port", "0"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const [line] = (await once(createInterface({ input: server.stdout! }), "line")) as [string];
      const described = JSON.parse(line);
      // Act
      const client = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "packages/sandbox/src/cli.ts",
          "org",
          "update-person",
          "zhangsan",
          "--title",
          "CTO",
        ],
        {
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, DIRGATE_SANDBOX_URL: described.control.baseUrl },
        },
      );
      let out = "";
      client.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
      });
      const [code] = await once(client, "exit");
      // Assess
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ key: "zhangsan", title: "CTO" });
      const check = await call(`${described.control.baseUrl}/org/people/zhangsan`);
      expect(check.json.title).toBe("CTO");
    } finally {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
  });
});
