import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertAnswerConforms } from "../helpers/openapi-check.ts";
import { call as fetchAnswer } from "../helpers/sandbox.ts";

/** Every answer of the local API is checked against docs/openapi.json (a mismatch fails the test). */
async function call(target: string, init: RequestInit = {}) {
  const answer = await fetchAnswer(target, init);
  assertAnswerConforms({
    method: init.method ?? "GET",
    path: new URL(target).pathname,
    status: answer.status,
    headers: answer.headers,
    body: answer.text,
  });
  return answer;
}

const postJson = (target: string, body: unknown) =>
  call(target, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** `npm start` as a new user runs it: a separate process, real HTTP on a free port. */
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  child = spawn(process.execPath, ["--import", "tsx", "packages/dev/src/start.ts"], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "SILENT" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const found = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
    if (found) {
      url = found[1]!;
      break;
    }
  }
}, 30_000);

afterAll(async () => {
  child.kill("SIGTERM");
  await once(child, "exit");
});

describe("npm start: the local API", () => {
  it("is healthy", async () => {
    expect((await call(`${url}/v1/health`)).json).toMatchObject({ status: "ok" });
  });

  it("finds zhangsan by mobile, and by id on demo-dingtalk and demo-dingtalk-legacy", async () => {
    const byMobile = await postJson(`${url}/v1/connections/demo-dingtalk/users/by-mobile`, {
      mobile: "13800138000",
    });
    expect(byMobile.status).toBe(200);
    expect(byMobile.json).toMatchObject({ id: "zhangsan", mobile: { e164: "+8613800138000" } });
    const v2 = await call(`${url}/v1/connections/demo-dingtalk/users/zhangsan`);
    const legacy = await call(`${url}/v1/connections/demo-dingtalk-legacy/users/zhangsan`);
    expect(v2.json.id).toBe("zhangsan");
    expect(legacy.json).toMatchObject({ id: "zhangsan", name: v2.json.name, mobile: v2.json.mobile });
  });

  it("finds the EIAM seed user with no identity number in the body", async () => {
    const answer = await postJson(`${url}/v1/connections/demo-eiam/users/by-mobile`, {
      mobile: "15204130007",
    });
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain("420100199911111111");
  });

  it("walks the Feishu department through nextPageToken: every member exactly once", async () => {
    const ids: string[] = [];
    let token: string | null = null;
    do {
      const qs = new URLSearchParams({ pageSize: "50", ...(token ? { pageToken: token } : {}) });
      const answer = await call(
        `${url}/v1/connections/demo-feishu/departments/od-5caa30529e8feabe141512b5c3c7153a/users?${qs}`,
      );
      expect(answer.status).toBe(200);
      ids.push(...answer.json.items.map((u: { id: string }) => u.id));
      token = answer.json.nextPageToken;
    } while (token);
    expect(ids.length).toBeGreaterThan(120);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ["POST", "/v1/connections/demo-dingtalk/users/by-mobile", undefined, 400, "INVALID_REQUEST"],
    ["POST", "/v1/connections/demo-dingtalk/users/by-mobile", "not json", 400, "INVALID_REQUEST"],
    ["POST", "/v1/connections/demo-dingtalk/users/by-mobile", '{"mobile":true}', 400, "INVALID_REQUEST"],
    ["POST", "/v1/connections/demo-dingtalk/users/by-mobile", '{"mobile":"abc"}', 400, "INVALID_REQUEST"],
    [
      "GET",
      "/v1/connections/demo-feishu/departments/od-5caa30529e8feabe141512b5c3c7153a/users?pageSize=500",
      undefined,
      400,
      "INVALID_REQUEST",
    ],
    ["GET", "/v1/connections/unknown-org/users/zhangsan", undefined, 404, "CONNECTION_NOT_FOUND"],
    ["GET", "/v1/nowhere", undefined, 404, "ROUTE_NOT_FOUND"],
    ["DELETE", "/v1/connections/demo-dingtalk/users/zhangsan", undefined, 405, "METHOD_NOT_ALLOWED"],
    [
      "GET",
      "/v1/connections/demo-eiam/departments/x/users?idType=openId",
      undefined,
      501,
      "UNSUPPORTED_OPERATION",
    ],
  ])("%s %s %s → %i %s", async (method, path, body, status, code) => {
    const answer = await call(`${url}${path}`, {
      method,
      ...(body !== undefined ? { body, headers: { "content-type": "application/json" } } : {}),
    });
    expect(answer.status).toBe(status);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(answer.json.code).toBe(code);
  });

  it("serves the docs page and the OpenAPI document", async () => {
    const docs = await call(`${url}/docs`);
    expect(docs.headers.get("content-type")).toMatch(/text\/html/);
    expect(docs.text).toContain("/v1/connections/{connection}/users/by-mobile");
    expect((await call(`${url}/v1/openapi.json`)).json.openapi).toBe("3.1.0");
  });
});
