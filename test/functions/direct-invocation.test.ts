import { LookupFailedError } from "@dirgate/lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { apiEvent, type Functions, invoke, lambdaContext, loadFunctions } from "../helpers/lambda.ts";
import { useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
let fn: Functions;
beforeAll(async () => {
  fn = await loadFunctions(sbx.current);
});

/** A direct invocation (Step Functions, another Lambda): the payload is the operation's input plus connection. */
const direct = (handler: Functions["userById"], payload: unknown) =>
  handler(payload, lambdaContext("direct"));

describe("direct invocation returns the same JSON as the HTTP route", () => {
  it("users-by-mobile", async () => {
    const viaDirect = await direct(fn.usersByMobile, { connection: "demo-dingtalk", mobile: "13800138000" });
    const viaHttp = await invoke(
      fn.usersByMobile,
      apiEvent("POST", "/v1/connections/demo-dingtalk/users/by-mobile", { body: { mobile: "13800138000" } }),
    );
    expect(viaDirect).toEqual(viaHttp.json);
    expect(viaDirect).toMatchObject({ id: "zhangsan" });
  });

  it("user-by-id, with query options as JSON values", async () => {
    const viaDirect = await direct(fn.userById, {
      connection: "demo-feishu",
      userId: "ou_7dab8a3d3cdcc9da365777c7ad535d62",
      idType: "openId",
    });
    const viaHttp = await invoke(
      fn.userById,
      apiEvent("GET", "/v1/connections/demo-feishu/users/ou_7dab8a3d3cdcc9da365777c7ad535d62?idType=openId"),
    );
    expect(viaDirect).toEqual(viaHttp.json);
  });

  it("department-users, pageSize as a number", async () => {
    const page = (await direct(fn.departmentUsers, {
      connection: "demo-feishu",
      departmentId: "od-5caa30529e8feabe141512b5c3c7153a",
      pageSize: 7,
    })) as { items: unknown[]; nextPageToken: string | null };
    expect(page.items).toHaveLength(7);
    expect(page.nextPageToken).toEqual(expect.any(String));
  });
});

describe("a direct invocation that fails throws a typed error named by its code", () => {
  it.each([
    [{ connection: "demo-dingtalk", mobile: "13800000000" }, "USER_NOT_FOUND", 404],
    [{ connection: "demo-dingtalk", mobile: "abc" }, "INVALID_REQUEST", 400],
    [{ connection: "demo-dingtalk" }, "INVALID_REQUEST", 400],
    [{ connection: "nope", mobile: "13800138000" }, "CONNECTION_NOT_FOUND", 404],
    [{ connection: "demo-dingtalk", mobile: "13800138000", extra: 1 }, "INVALID_REQUEST", 400],
    ["not an object", "INVALID_REQUEST", 400],
  ])("%j → %s", async (payload, code, status) => {
    const error = await direct(fn.usersByMobile, payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LookupFailedError);
    expect(error).toMatchObject({ name: code, code, status, problem: { code, status } });
    expect(String((error as Error).stack)).not.toMatch(/\.ts:\d+/);
  });
});

describe("one answer for one mistake, whichever way it arrives", () => {
  it("refuses include=raw with idsOnly, naming the field, on HTTP and direct invocation alike", async () => {
    const viaHttp = await invoke(
      fn.usersByMobile,
      apiEvent("POST", "/v1/connections/demo-dingtalk/users/by-mobile?include=raw", {
        body: { mobile: "13800138000", idsOnly: true },
      }),
    );
    expect(viaHttp.json).toMatchObject({
      status: 400,
      code: "INVALID_REQUEST",
      errors: [{ path: "query.include" }],
    });
    const viaDirect = await direct(fn.usersByMobile, {
      connection: "demo-dingtalk",
      mobile: "13800138000",
      idsOnly: true,
      include: "raw",
    }).catch((e: unknown) => e);
    expect(viaDirect).toMatchObject({ code: "INVALID_REQUEST", problem: { errors: [{ path: "include" }] } });
  });

  it("reads a mobile typed with full-width digits (NFKC)", async () => {
    const user = await direct(fn.usersByMobile, {
      connection: "demo-dingtalk",
      mobile: "＋８６ １３８００１３８０００",
    });
    expect(user).toMatchObject({ id: "zhangsan" });
  });
});
