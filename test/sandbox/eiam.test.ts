import { DEMO_CREDENTIALS } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { call, eiamToken, postJson, seedFixture, useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
const base = () => sbx.current.eiam.emulator.baseUrl;
const { clientId, clientSecret } = DEMO_CREDENTIALS.eiam;
const form = { "content-type": "application/x-www-form-urlencoded" };

async function byMobile(mobile: unknown, token?: string) {
  const t = token ?? (await eiamToken(sbx.current));
  return postJson(
    `${base()}/api/v2/tenant/users/user-by-mobile`,
    { mobile },
    {
      authorization: `Bearer ${t}`,
      "content-type": "application/json; charset=utf-8",
    },
  );
}

describe("EIAM token (client credentials)", () => {
  it("accepts HTTP Basic client authentication (Bamboocloud)", async () => {
    const answer = await call(`${base()}/api/v2/tenant/token`, {
      method: "POST",
      headers: {
        ...form,
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
      },
      body: "grant_type=client_credentials",
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: "bearer", expires_in: 1799, scope: "all" });
    expect(answer.json.access_token).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts form-field client authentication (Huawei OneAccess); each call issues a new token, old ones stay valid", async () => {
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    });
    const first = await call(`${base()}/api/v2/tenant/token`, {
      method: "POST",
      headers: form,
      body: body.toString(),
    });
    const second = await call(`${base()}/api/v2/tenant/token`, {
      method: "POST",
      headers: form,
      body: body.toString(),
    });
    expect(second.json.access_token).not.toBe(first.json.access_token);
    expect((await byMobile("15204130007", first.json.access_token)).status).toBe(200);
  });

  it.each([
    ["grant_type=client_credentials&client_id=sbx-eiam-client-01&client_secret=wrong", 401, "invalid_client"],
    ["grant_type=password&client_id=sbx-eiam-client-01&client_secret=x", 400, "unsupported_grant_type"],
  ])("rejects %s", async (body, status, error) => {
    const answer = await call(`${base()}/api/v2/tenant/token`, { method: "POST", headers: form, body });
    expect(answer.status).toBe(status);
    expect(answer.json.error).toBe(error);
  });
});

describe("EIAM user-by-mobile (seed 002)", () => {
  it("returns the seed's user for 15204130007, field for field", async () => {
    const seed = seedFixture<Record<string, unknown>>("002-eiam-user-by-mobile.response.json");
    const answer = await byMobile("15204130007");
    expect(answer.status).toBe(200);
    const { user_org_relation_list: relations, ...rest } = seed;
    expect(answer.json).toMatchObject(rest);
    expect(answer.json.user_org_relation_list).toHaveLength((relations as unknown[]).length);
    expect(answer.json.user_org_relation_list).toEqual(expect.arrayContaining(relations as unknown[]));
  });

  it("finds the same user with +86-15204130007 and +8615204130007", async () => {
    const token = await eiamToken(sbx.current);
    for (const mobile of ["+86-15204130007", "+8615204130007"]) {
      const answer = await byMobile(mobile, token);
      expect(answer.json.user_id, mobile).toBe("20220825141325371-4D03-81EF80243");
    }
  });

  it("finds the seed's request-example mobile 15204130006", async () => {
    const answer = await byMobile("15204130006");
    expect(answer.json.user_name).toBe("cq04130006");
  });

  it("answers an unknown mobile with HTTP 400 USER.0001, exactly as the seed shows", async () => {
    const answer = await byMobile("15204139999");
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.json).sort()).toEqual(
      Object.keys(seedFixture("002-eiam-user-not-found.response.json")).sort(),
    );
    expect(answer.json.error_code).toBe("USER.0001");
  });

  it("answers an invalid token with HTTP 400 invalid_token and a missing one with 401", async () => {
    const bad = await byMobile("15204130007", "0d61dde4-c700-0000-0000-000000000000");
    const missing = await postJson(`${base()}/api/v2/tenant/users/user-by-mobile`, { mobile: "15204130007" });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: "invalid_token", error_description: "Invalid access" });
    expect(missing.status).toBe(401);
  });

  it("rejects a missing mobile with USER.0038", async () => {
    const answer = await byMobile(undefined);
    expect(answer.status).toBe(400);
    expect(answer.json.error_code).toBe("USER.0038");
  });
});

describe("EIAM user-by-email (user-email.html)", () => {
  async function byEmail(email: unknown) {
    const token = await eiamToken(sbx.current);
    return postJson(
      `${base()}/api/v2/tenant/users/user-by-email`,
      { email },
      { authorization: `Bearer ${token}`, "content-type": "application/json; charset=utf-8" },
    );
  }

  it("returns the same user as by mobile, whatever the address's case", async () => {
    const [mobile, email, upper] = await Promise.all([
      byMobile("15204130007"),
      byEmail("15204130007@example.com"),
      byEmail("15204130007@EXAMPLE.com"),
    ]);
    expect(email.status).toBe(200);
    expect(email.json).toEqual(mobile.json);
    expect(upper.json.user_id).toBe("20220825141325371-4D03-81EF80243");
  });

  it.each([["nobody@example.com"], [""], [undefined]])(
    "answers %o with HTTP 400 USER.0001",
    async (email) => {
      const answer = await byEmail(email);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error_code: "USER.0001", error_msg: "User does not exist" });
    },
  );
});

describe("EIAM users/{user_id}", () => {
  it("returns the user by id, and USER.0001 for an unknown id", async () => {
    const token = await eiamToken(sbx.current);
    const headers = { authorization: `Bearer ${token}` };
    const found = await call(`${base()}/api/v2/tenant/users/20220825141325371-4D03-81EF80243`, { headers });
    const missing = await call(`${base()}/api/v2/tenant/users/20990101000000000-0000-000000000`, { headers });
    expect(found.json.mobile).toBe("+86-15204130007");
    expect(missing.status).toBe(400);
    expect(missing.json.error_code).toBe("USER.0001");
  });
});

describe("EIAM organizations", () => {
  const RD = "20210529172248496-D329-5748DE918";
  async function getJson(path: string, params: Record<string, string> = {}, token?: string) {
    const t = token ?? (await eiamToken(sbx.current));
    const qs = new URLSearchParams(params).toString();
    return call(`${base()}${path}${qs ? `?${qs}` : ""}`, { headers: { authorization: `Bearer ${t}` } });
  }
  /** Every page of a list endpoint (offset is a page number), checking `total` on each. */
  async function walk(path: string, params: Record<string, string>, key: "organizations" | "users") {
    const token = await eiamToken(sbx.current);
    const items: Record<string, any>[] = [];
    let total = -1;
    for (let page = 0; page < 100; page += 1) {
      const answer = await getJson(path, { ...params, offset: String(page), limit: "10" }, token);
      expect(answer.status).toBe(200);
      if (total === -1) total = answer.json.total;
      expect(answer.json.total).toBe(total);
      items.push(...answer.json[key]);
      if (answer.json[key].length < 10) break;
    }
    expect(items).toHaveLength(total);
    return items;
  }
  const truth = () => {
    const org = sbx.current.org;
    /** Siblings by `order` (absent = 0), ties in org order. */
    const children = (key: string) =>
      org.departments
        .filter((d) => d.parentKey === key)
        .map((d, i) => ({ d, i }))
        .sort((a, b) => (a.d.order ?? 0) - (b.d.order ?? 0) || a.i - b.i)
        .map(({ d }) => d);
    const subtree = (key: string): string[] => children(key).flatMap((d) => [d.key, ...subtree(d.key)]);
    return { org, children, subtree };
  };

  it("returns an organisation by id with Bamboocloud's fields; the root has a null parent", async () => {
    const { org } = truth();
    const rd = await getJson(`/api/v2/tenant/organizations/${RD}`);
    const rootDept = org.departments.find((d) => d.parentKey === null)!;
    const root = await getJson(`/api/v2/tenant/organizations/${rootDept.eiamOrgId}`);
    expect(rd.status).toBe(200);
    expect(rd.json).toEqual({
      org_id: RD,
      parent_id: rootDept.eiamOrgId,
      name: "研发部",
      category: "department",
      org_code: "rd",
      sequence: org.departmentByKey.get("rd")!.order ?? 0,
      disabled: false,
      created_at: "2021-05-29 17:22:48.496",
      updated_at: "2021-05-29 17:22:48.496",
      extension: {},
    });
    expect(root.json.parent_id).toBeNull();
  });

  it("answers an unknown organisation with HTTP 400 ORG.0001, and no token with 401", async () => {
    const missing = await getJson("/api/v2/tenant/organizations/20990101000000000-0000-000000000");
    const anonymous = await call(`${base()}/api/v2/tenant/organizations/${RD}`);
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error_code: "ORG.0001", error_msg: "Organization does not exist" });
    expect(anonymous.status).toBe(401);
  });

  it("lists an organisation with its subtree (all_child=true) or its next level, paging to the end", async () => {
    const { org, children, subtree } = truth();
    const rootDept = org.departments.find((d) => d.parentKey === null)!;
    const all = await walk(
      "/api/v2/tenant/organizations",
      { org_id: rootDept.eiamOrgId, all_child: "true" },
      "organizations",
    );
    const ids = all.map((o) => o.org_code);
    expect(ids[0]).toBe(rootDept.key);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(org.departments.map((d) => d.key)));
    const next = await walk(
      "/api/v2/tenant/organizations",
      { org_id: RD, all_child: "false" },
      "organizations",
    );
    expect(next.map((o) => o.org_code)).toEqual(["rd", ...children("rd").map((d) => d.key)]);
    const rdAll = await walk(
      "/api/v2/tenant/organizations",
      { org_id: RD, all_child: "true" },
      "organizations",
    );
    expect(new Set(rdAll.map((o) => o.org_code))).toEqual(new Set(["rd", ...subtree("rd")]));
    for (const o of all) {
      const dept = org.departments.find((d) => d.key === o.org_code)!;
      expect(o.parent_id).toBe(
        dept.parentKey === null ? null : org.departmentByKey.get(dept.parentKey)!.eiamOrgId,
      );
    }
  });

  it("without org_id lists the roots, or with all_child=true every organisation but the roots", async () => {
    const { org } = truth();
    const roots = await walk("/api/v2/tenant/organizations", { all_child: "false" }, "organizations");
    const rest = await walk("/api/v2/tenant/organizations", { all_child: "true" }, "organizations");
    expect(roots.map((o) => o.parent_id)).toEqual(
      org.departments.filter((d) => d.parentKey === null).map(() => null),
    );
    expect(new Set(rest.map((o) => o.org_code))).toEqual(
      new Set(org.departments.filter((d) => d.parentKey !== null).map((d) => d.key)),
    );
  });

  it.each([
    [{ offset: "0", limit: "9" }, "OAP.PAGE.0002"],
    [{ offset: "0", limit: "101" }, "OAP.PAGE.0002"],
    [{ offset: "0" }, "OAP.PAGE.0002"],
    [{ offset: "-1", limit: "10" }, "OAP.PAGE.0003"],
    [{ limit: "10" }, "OAP.PAGE.0003"],
    [{ offset: "0", limit: "10", org_id: "nope" }, "ORG.0001"],
  ])("answers organizations %o with HTTP 400 %s", async (params, code) => {
    const answer = await getJson("/api/v2/tenant/organizations", params);
    expect(answer.status).toBe(400);
    expect(answer.json.error_code).toBe(code);
  });

  it("lists an organisation's users page by page, each once, with the user-by-mobile fields", async () => {
    const { org } = truth();
    const expected = org.people.filter(
      (p) => p.in.eiam && p.memberships.some((m) => m.deptKey === "platform"),
    );
    const platform = org.departmentByKey.get("platform")!;
    const users = await walk("/api/v2/tenant/users", { org_id: platform.eiamOrgId }, "users");
    expect(users.length).toBeGreaterThan(100);
    expect(users.map((u) => u.user_id).sort()).toEqual(expected.map((p) => p.eiamUserId).sort());
    for (const u of users) {
      expect(u.user_org_relation_list.map((r: { org_id: string }) => r.org_id)).toContain(platform.eiamOrgId);
    }
    const seed = await walk("/api/v2/tenant/users", { org_id: RD }, "users");
    expect(seed.find((u) => u.user_id === "20220825141325371-4D03-81EF80243")).toMatchObject({
      mobile: "+86-15204130007",
      user_name: "cq04130007",
    });
  });

  it("lists every user without org_id, and answers an unknown org_id with ORG.0001", async () => {
    const everyone = await getJson("/api/v2/tenant/users", { offset: "0", limit: "10" });
    const unknown = await getJson("/api/v2/tenant/users", { org_id: "nope", offset: "0", limit: "10" });
    expect(everyone.json.total).toBe(sbx.current.org.people.filter((p) => p.in.eiam).length);
    expect(everyone.json.users).toHaveLength(10);
    expect([unknown.status, unknown.json.error_code]).toEqual([400, "ORG.0001"]);
  });

  it("sees an organisation added to the org at once", async () => {
    const org = sbx.current.org;
    const dept = org.addDepartment({
      key: "sbx-new-org",
      name: "新机构",
      parentKey: "rd",
      eiamOrgId: "20250102030405006-0000-NEWORG001",
    });
    try {
      const got = await getJson(`/api/v2/tenant/organizations/${dept.eiamOrgId}`);
      const next = await walk("/api/v2/tenant/organizations", { org_id: RD }, "organizations");
      expect(got.json).toMatchObject({ parent_id: RD, created_at: "2025-01-02 03:04:05.006" });
      expect(next.map((o) => o.org_id)).toContain(dept.eiamOrgId);
    } finally {
      org.removeDepartment(dept.key);
    }
    const gone = await getJson(`/api/v2/tenant/organizations/${dept.eiamOrgId}`);
    expect(gone.json.error_code).toBe("ORG.0001");
  });
});
