import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiEvent } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";
import { createHarness, type Harness } from "./harness.ts";

/** Access control on every path into a connection: allow lists and connection ids. */
const sbx = useSandbox();
let h: Harness;

beforeAll(() => {
  h = createHarness(sbx.current);
});
afterEach(() => h.collectTokens());

const get = (url: string, options: Parameters<typeof apiEvent>[2] = {}) =>
  h.call("userById", apiEvent("GET", url, options));
const call = (operation: "userById", event: unknown) => h.call(operation, event);

describe("access control", () => {
  const url = "/v1/connections/rel-guarded/users/zhangsan";

  it("enforces allow lists of IAM principals, JWT subjects and JWT scopes", async () => {
    sbx.current.secretsManager.putSecret("dirgate/local/connections/rel-guarded", {
      ...sbx.current.connections["demo-dingtalk"],
      allow: ["arn:aws:iam::111122223333:role/hr-sync", "auth0|crm-service", "scope:directory.read"],
    });
    const as = (authorizer: unknown) => get(url, { authorizer: authorizer as never });
    expect((await as({ iam: { userArn: "arn:aws:iam::111122223333:role/hr-sync" } })).status).toBe(200);
    expect((await as({ jwt: { claims: { sub: "auth0|crm-service" }, scopes: null } })).status).toBe(200);
    expect(
      (await as({ jwt: { claims: { sub: "someone", scope: "profile directory.read" }, scopes: null } }))
        .status,
    ).toBe(200);
    expect((await as({ jwt: { claims: { sub: "someone" }, scopes: ["directory.read"] } })).status).toBe(200);
    for (const denied of [
      { iam: { userArn: "arn:aws:iam::111122223333:role/hr-sync-2" } },
      { jwt: { claims: { sub: "auth0|crm-service-evil" }, scopes: ["directory.write"] } },
      undefined,
    ]) {
      expect((await as(denied)).json, JSON.stringify(denied)).toMatchObject({
        status: 403,
        code: "FORBIDDEN",
      });
    }
    // A connection without an allow list serves any authenticated caller.
    expect((await get("/v1/connections/demo-dingtalk/users/zhangsan")).status).toBe(200);
  });

  it.each([
    "../demo-dingtalk",
    "demo-dingtalk/../../x",
    "a/b",
    "demo dingtalk",
    "demo-dingtalk%00",
    "-leading",
    "x".repeat(65),
    "*",
  ])("rejects connection id %j before any secret is read", async (connection) => {
    const event = apiEvent("GET", "/v1/connections/placeholder/users/zhangsan");
    event.pathParameters = { connection, userId: "zhangsan" };
    const answer = await call("userById", event);
    expect(answer.json).toMatchObject({ status: 400, code: "INVALID_REQUEST" });
    expect(sbx.current.secretsManager.emulator.counter("GetSecretValue")).toBe(0);
  });
});
