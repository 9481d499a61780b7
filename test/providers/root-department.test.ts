import { describe, expect, it } from "vitest";
import { demoClient, rejection } from "../helpers/clients.ts";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * `root` names the provider's root department on every provider (DESIGN §3): DingTalk and WeCom 1,
 * Feishu 0, EIAM the tenant's root organisation (read, since EIAM has no fixed id).
 */
const sbx = useSandbox();
const root = () => sbx.current.org.departments.find((d) => d.parentKey === null)!;

const CASES = [
  { connection: "demo-dingtalk", id: "1" },
  { connection: "demo-feishu", id: "0" },
  { connection: "demo-wecom", id: "1" },
  { connection: "demo-eiam", id: () => root().eiamOrgId },
] as const;

describe("the department id root", () => {
  it.each(CASES)("$connection: root is the root department, its children and its people", async (c) => {
    const id = typeof c.id === "function" ? c.id() : c.id;
    const client = demoClient(sbx.current, c.connection);
    const department = await client.department({ departmentId: "root" });
    expect(department.id).toBe(id);
    expect(department).toEqual(await client.department({ departmentId: id }));

    const children = await client.departmentChildren({ departmentId: "root", pageSize: 100 });
    const explicit = await client.departmentChildren({ departmentId: id, pageSize: 100 });
    expect(children.items.length).toBeGreaterThan(0);
    expect(children.items.map((d) => d.id)).toEqual(explicit.items.map((d) => d.id));

    // Page tokens are bound to the resolved department: a `root` listing pages on with `root`.
    const first = await client.departmentUsers({ departmentId: "root", recursive: true, pageSize: 5 });
    expect(first.nextPageToken).not.toBeNull();
    const second = await client.departmentUsers({
      departmentId: "root",
      recursive: true,
      pageSize: 5,
      pageToken: first.nextPageToken!,
    });
    const ids = [...first.items, ...second.items].map((u) => u.id);
    expect(new Set(ids).size).toBe(10);
  });

  it("an EIAM tenant with several root organisations: refused with their ids, nothing guessed", async () => {
    const org = sbx.current.org;
    // A second root, as a tenant with two companies has.
    const second = org.departments.find((d) => d.parentKey === root().key)!;
    const original = second.parentKey;
    second.parentKey = null;
    try {
      const client = demoClient(sbx.current, "demo-eiam");
      const error = await rejection(client.department({ departmentId: "root" }));
      expect(error).toMatchObject({ code: "INVALID_REQUEST" });
      expect(error.message).toContain(root().eiamOrgId);
      expect(error.message).toContain(second.eiamOrgId);
    } finally {
      second.parentKey = original;
    }
  });
});

describe("a forged walk cursor", () => {
  /** The token's state with `c` replaced, the binding (`h`) kept: what a caller could forge. */
  const forge = (token: string, c: string) => {
    const decoded = JSON.parse(Buffer.from(token.slice(4), "base64url").toString("utf8"));
    decoded.s.c = c;
    return `dg1.${Buffer.from(JSON.stringify(decoded)).toString("base64url")}`;
  };

  it.each(["0x10", "1e1", " 5", "-5", "abc"])(
    "DingTalk recursive listing with cursor %j: 400, nothing sent upstream",
    async (c) => {
      const client = demoClient(sbx.current, "demo-dingtalk");
      const first = await client.departmentUsers({ departmentId: "root", recursive: true, pageSize: 5 });
      expect(first.nextPageToken!.startsWith("dg1.")).toBe(true);
      const dt = sbx.current.dingtalk.emulator;
      const before = dt.counter("POST /topapi/v2/user/list");
      const error = await rejection(
        client.departmentUsers({
          departmentId: "root",
          recursive: true,
          pageSize: 5,
          pageToken: forge(first.nextPageToken!, c),
        }),
      );
      expect(error).toMatchObject({ code: "INVALID_REQUEST" });
      expect(dt.counter("POST /topapi/v2/user/list")).toBe(before);
    },
  );
});
