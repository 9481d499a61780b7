import { beforeAll, describe, expect, it } from "vitest";
import { apiEvent, type Functions, invoke, loadFunctions } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * The directory functions through their full Middy chains, every answer checked against the
 * committed OpenAPI document by `invoke()`: by-email, the lookup of many, a department, its children.
 */
const sbx = useSandbox();
let fn: Functions;
beforeAll(async () => {
  fn = await loadFunctions(sbx.current);
});

describe("the directory functions", () => {
  it("users-by-email finds zhangsan on Feishu, WeCom and EIAM; DingTalk answers 501", async () => {
    const email = (connection: string, body: unknown) =>
      invoke(fn.usersByEmail, apiEvent("POST", `/v1/connections/${connection}/users/by-email`, { body }));
    for (const connection of ["demo-feishu", "demo-wecom"]) {
      const answer = await email(connection, { email: "test@xxx.com" });
      expect(answer.status, connection).toBe(200);
      expect(answer.json).toMatchObject({ connection, id: "zhangsan" });
    }
    expect((await email("demo-feishu", { email: "test@xxx.com", idsOnly: true })).json).toEqual({
      provider: "feishu",
      connection: "demo-feishu",
      id: "zhangsan",
    });
    const dingtalk = await email("demo-dingtalk", { email: "test@xxx.com" });
    expect([dingtalk.status, dingtalk.json.code]).toEqual([501, "UNSUPPORTED_OPERATION"]);
    const bad = await email("demo-feishu", { email: "not an address" });
    expect([bad.status, bad.json.code]).toEqual([400, "INVALID_REQUEST"]);
  });

  it("users-lookup answers each item in order, a miss as its own problem", async () => {
    const answer = await invoke(
      fn.usersLookup,
      apiEvent("POST", "/v1/connections/demo-feishu/users/lookup", {
        body: { items: [{ mobile: "13800138000" }, { email: "nobody@example.com" }, { userId: "3e3cf96b" }] },
      }),
    );
    expect(answer.status).toBe(200);
    const items = answer.json.items as { ok: boolean; user?: { id: string }; error?: { code: string } }[];
    expect(items.map((i) => i.ok)).toEqual([true, false, true]);
    expect(items[0]!.user!.id).toBe("zhangsan");
    expect(items[1]!.error!.code).toBe("USER_NOT_FOUND");
    const tooMany = await invoke(
      fn.usersLookup,
      apiEvent("POST", "/v1/connections/demo-feishu/users/lookup", {
        body: { items: Array.from({ length: 101 }, () => ({ mobile: "13800138000" })) },
      }),
    );
    expect([tooMany.status, tooMany.json.code]).toEqual([400, "INVALID_REQUEST"]);
  });

  it("department and department-children, root included, on every provider", async () => {
    for (const connection of ["demo-dingtalk", "demo-feishu", "demo-wecom", "demo-eiam"]) {
      const root = await invoke(
        fn.department,
        apiEvent("GET", `/v1/connections/${connection}/departments/root`),
      );
      expect(root.status, connection).toBe(200);
      expect(root.json).toMatchObject({ connection, parentId: null });
      const children = await invoke(
        fn.departmentChildren,
        apiEvent("GET", `/v1/connections/${connection}/departments/root/children?pageSize=100`),
      );
      expect(children.status, connection).toBe(200);
      expect(children.json.items.length, connection).toBeGreaterThan(0);
      for (const child of children.json.items) expect(child.parentId, connection).toBe(root.json.id);
    }
    const missing = await invoke(
      fn.department,
      apiEvent("GET", "/v1/connections/demo-dingtalk/departments/999999"),
    );
    expect([missing.status, missing.json.code]).toEqual([404, "DEPARTMENT_NOT_FOUND"]);
  });
});
