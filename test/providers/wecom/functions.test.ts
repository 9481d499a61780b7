import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { HTTP_LAMBDAS, OPERATIONS, type OperationName } from "@dirgate/core";
import { type LambdaHandler, lambdaContext, startLocalServer } from "@dirgate/dev";
import { WECOM_DEMO_CREDENTIALS as C } from "@dirgate/sandbox";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventSource } from "../../helpers/event-source.ts";
import { call, postJson, useSandbox } from "../../helpers/sandbox.ts";

/**
 * Every operation on `demo-wecom` the three ways a caller reaches it: the local API (`npm start`'s
 * server, real HTTP), a direct invocation of its Lambda, and a record on the SQS batch — the same
 * answer each way.
 */
const sbx = useSandbox();
let url: string;
let close: () => Promise<void>;
const handlers: Record<string, LambdaHandler> = {};
let batch: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  const described = sbx.current.describe();
  Object.assign(process.env, {
    DIRGATE_STAGE: "local",
    DIRGATE_SECRET_PREFIX: sbx.current.secretPrefix,
    DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
    DIRGATE_SQS_ENDPOINT: described.sqs.endpoint,
    DIRGATE_RESULTS_QUEUE_URL: described.sqs.resultsQueueUrl,
    DIRGATE_BATCH_CONTAINERS: "1",
    AWS_REGION: described.secretsManager.region,
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    LOG_LEVEL: "SILENT",
  });
  for (const lambda of HTTP_LAMBDAS) {
    handlers[lambda] = (
      (await import(`../../../functions/${lambda}.ts`)) as { handler: LambdaHandler }
    ).handler;
  }
  batch = (await import("../../../functions/lookup-batch.ts")).handler as unknown as typeof batch;
  const server = await startLocalServer({ handlers, port: 0 });
  url = server.url;
  close = server.close;
});

afterAll(async () => {
  await close?.();
});

const base = "/v1/connections/demo-wecom";

/** One case per operation: the HTTP request, the same input as JSON, and what the answer must hold. */
const CASES: {
  operation: OperationName;
  http: [method: "GET" | "POST", path: string, body?: unknown];
  input: Record<string, unknown>;
  check: (answer: any) => void;
}[] = [
  {
    operation: "userByMobile",
    http: ["POST", `${base}/users/by-mobile`, { mobile: "13800138000" }],
    input: { mobile: "13800138000" },
    check: (user) =>
      expect(user).toMatchObject({
        provider: "wecom",
        id: "zhangsan",
        withheld: ["mobile", "email", "enterpriseEmail", "avatarUrl", "workPlace"],
      }),
  },
  {
    operation: "userByEmail",
    http: ["POST", `${base}/users/by-email`, { email: "demo@mail.com" }],
    input: { email: "demo@mail.com" },
    check: (user) => expect(user).toMatchObject({ id: "3e3cf96b", status: expect.any(String) }),
  },
  {
    operation: "userById",
    http: ["GET", `${base}/users/zhangsan`],
    input: { userId: "zhangsan" },
    check: (user) => expect(user).toMatchObject({ id: "zhangsan", name: "John", managerId: "manager240" }),
  },
  {
    operation: "usersLookup",
    http: ["POST", `${base}/users/lookup`, { items: [{ mobile: "13900139000" }, { userId: "nobody" }] }],
    input: { items: [{ mobile: "13900139000" }, { userId: "nobody" }] },
    check: (answer) =>
      expect(answer.items.map((i: any) => (i.ok ? i.user.id : i.error.code))).toEqual([
        "lisi",
        "USER_NOT_FOUND",
      ]),
  },
  {
    operation: "department",
    http: ["GET", `${base}/departments/2?language=en_US`],
    input: { departmentId: "2", language: "en_US" },
    check: (department) => expect(department).toMatchObject({ id: "2", parentId: "1", name: "R&D" }),
  },
  {
    operation: "departmentChildren",
    http: ["GET", `${base}/departments/1/children?recursive=true&pageSize=100`],
    input: { departmentId: "1", recursive: true, pageSize: 100 },
    check: (page) => {
      expect(page.items).toHaveLength(sbx.current.org.departments.length - 1);
      expect(page.nextPageToken).toBeNull();
    },
  },
  {
    operation: "departmentUsers",
    http: ["GET", `${base}/departments/1/users?recursive=true&pageSize=40`],
    input: { departmentId: "1", recursive: true, pageSize: 40 },
    check: (page) => {
      expect(page.items).toHaveLength(40);
      expect(page.nextPageToken).toEqual(expect.any(String));
    },
  },
];

/** The answer minus request ids (dirgate's and WeCom's hint differ per request). */
const same = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (k, v) => (k === "requestId" ? undefined : v)));

async function viaHttp(method: string, path: string, body?: unknown) {
  return method === "POST" ? postJson(`${url}${path}`, body) : call(`${url}${path}`);
}

describe("every operation on demo-wecom", () => {
  it("covers the operation table", () => {
    expect(CASES.map((c) => c.operation).sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it.each(CASES.map((c) => [c.operation, c] as const))(
    "%s: the local API, a direct invocation and the batch agree",
    async (_name, c) => {
      const lambda = OPERATIONS[c.operation].lambda;
      const http = await viaHttp(...c.http);
      expect(http.status, http.text).toBe(200);
      c.check(http.json);

      const direct = await handlers[lambda]!(
        { connection: "demo-wecom", ...c.input } as never,
        lambdaContext("direct"),
      );
      expect(same(direct)).toEqual(same(http.json));

      const source = eventSource(sbx.current, batch);
      await source.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: source.queueUrl,
          Entries: [
            {
              Id: "0",
              MessageBody: JSON.stringify({
                id: "r0",
                connection: "demo-wecom",
                operation: c.operation,
                input: c.input,
              }),
            },
          ],
        }),
      );
      const pass = await source.pass();
      expect(pass.failed).toEqual([]);
      const [result] = sbx.current.sqs.messages("dirgate-results").map((m) => JSON.parse(m.body));
      expect(result).toMatchObject({ id: "r0", ok: true, operation: c.operation });
      const key = OPERATIONS[c.operation].resultName;
      const { id: _id, messageId: _m, connection: _c, operation: _o, ok: _ok, ...rest } = result;
      expect(same(key ? result[key] : rest)).toEqual(same(http.json));
    },
  );
});

describe("WeCom failures through the API", () => {
  it("answers an untrusted egress IP with 403 and what the operator must do, the address left out", async () => {
    sbx.current.wecom.setApp(C.app.name, { trustedIps: ["203.0.113.7"] });
    const answer = await call(`${url}${base}/users/zhangsan`);
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({
      code: "PROVIDER_PERMISSION_DENIED",
      upstream: { code: "60020", message: "not allow to access from your ip" },
    });
    expect(answer.json.detail).toContain(
      "register the deployment's egress IPs".replace("register", "Register"),
    );
    expect(answer.text).not.toContain("127.0.0.1");
    expect(answer.text).not.toContain("access_token");
  });

  it("answers WeCom's per-API limit with 429 and Retry-After: 60", async () => {
    sbx.current.wecom.emulator.addFault({ kind: "rateLimited", count: 3, path: "/cgi-bin/department/get" });
    const answer = await call(`${url}${base}/departments/2`);
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBe("60");
    expect(answer.json).toMatchObject({ code: "UPSTREAM_RATE_LIMITED", upstream: { code: "45009" } });
  });

  it("answers an unknown member with 404 and a bad department id with 400, before any call", async () => {
    expect((await call(`${url}${base}/users/nobody`)).json).toMatchObject({
      status: 404,
      code: "USER_NOT_FOUND",
    });
    const bad = await call(`${url}${base}/departments/abc/users`);
    expect(bad.json).toMatchObject({ status: 400, code: "INVALID_REQUEST" });
    expect(sbx.current.wecom.emulator.counter("GET /cgi-bin/user/list")).toBe(0);
  });
});
