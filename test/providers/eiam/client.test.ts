import { describe, expect, it } from "vitest";
import { demoClient, rejection, testDeps } from "../../helpers/clients.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

const sbx = useSandbox();
const ei = () => sbx.current.eiam.emulator;

describe("EIAM client against the sandbox", () => {
  it("finds the seed 002 user by mobile, with no identity number anywhere", async () => {
    const user = await demoClient(sbx.current, "demo-eiam").userByMobile({
      mobile: "15204130007",
      include: "raw",
    });
    expect(user).toMatchObject({
      provider: "eiam",
      id: "20220825141325371-4D03-81EF80243",
      loginId: "cq04130007",
    });
    const body = JSON.stringify(user);
    expect(body).not.toContain("420100199911111111");
    expect(body).not.toContain("attr_identity");
    expect(body).not.toContain("last_login_ip");
  });

  it("authenticates with form fields when the connection says clientAuth: form", async () => {
    const client = demoClient(sbx.current, "demo-eiam", testDeps().deps, { clientAuth: "form" });
    expect((await client.userById({ userId: "20220825141325371-4D03-81EF80243" })).name).toBe("cq04130007");
  });

  it("sends non-mainland numbers as +CC-national", async () => {
    expect((await demoClient(sbx.current, "demo-eiam").userByMobile({ mobile: "+852 5123 4567" })).id).toBe(
      "20220101090000000-0852-C00000852",
    );
  });

  it("maps USER.0001 to USER_NOT_FOUND", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-eiam").userByMobile({ mobile: "15204139999" }),
    );
    expect(error).toMatchObject({
      code: "USER_NOT_FOUND",
      upstream: { code: "USER.0001", message: "User does not exist" },
    });
  });

  it("refetches the token once after invalid_token and succeeds", async () => {
    const client = demoClient(sbx.current, "demo-eiam");
    await client.userByMobile({ mobile: "15204130007" });
    ei().revokeTokens();
    expect(await client.userByMobile({ mobile: "15204130006" })).toMatchObject({ loginId: "cq04130006" });
    expect(ei().counter("POST /api/v2/tenant/token")).toBe(2);
  });

  it("reports bad client credentials as UPSTREAM_AUTH_FAILED", async () => {
    const client = demoClient(sbx.current, "demo-eiam", testDeps().deps, { clientSecret: "wrong" });
    const error = await rejection(client.userByMobile({ mobile: "15204130007" }));
    expect(error).toMatchObject({ code: "UPSTREAM_AUTH_FAILED", upstream: { code: "invalid_client" } });
  });

  it("answers 501 for a listing by an id type EIAM does not have, without calling upstream", async () => {
    const error = await rejection(
      demoClient(sbx.current, "demo-eiam").departmentUsers({ departmentId: "x", idType: "openId" }),
    );
    expect(error.code).toBe("UNSUPPORTED_OPERATION");
    expect(ei().counter("POST /api/v2/tenant/token")).toBe(0);
  });

  it("retries a 500 (system busy) and succeeds", async () => {
    ei().addFault({ kind: "busy", path: "/api/v2/tenant/users" });
    expect(await demoClient(sbx.current, "demo-eiam").userByMobile({ mobile: "15204130007" })).toMatchObject({
      name: "cq04130007",
    });
    expect(ei().counter("POST /api/v2/tenant/users/user-by-mobile")).toBe(2);
  });
});
