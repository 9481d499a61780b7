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
