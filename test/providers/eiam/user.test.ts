import { DirectoryUserSchema } from "@dirgate/core";
import { EIAM_SENSITIVE_FIELDS, EiamUserSchema, eiamUserToDirectoryUser } from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import { seedFixture } from "../../helpers/sandbox.ts";

const options = { connection: "acme-eiam", includeRaw: true, expose: [] as string[] };

describe("EIAM user mapper", () => {
  it("maps seed 002's example and drops the sensitive fields, raw included", () => {
    const raw = seedFixture("002-eiam-user-by-mobile.response.json");
    const user = eiamUserToDirectoryUser(EiamUserSchema.parse(raw), raw, options);
    expect(DirectoryUserSchema.parse(user)).toEqual(user);
    expect(user).toMatchObject({
      provider: "eiam",
      id: "20220825141325371-4D03-81EF80243",
      loginId: "cq04130007",
      name: "cq04130007",
      nickname: "cq04130007",
      mobile: { e164: "+8615204130007", countryCode: "86", nationalNumber: "15204130007" },
      email: "15204130007@example.com",
      employeeNumber: "041300071",
      managerId: "20210601223953060-2AEC-D22770B77",
      status: "active",
      hiredAt: "2022-08-01T00:00:00.000+08:00",
      workPlace: "Wuhan",
      city: "Wuhan",
      country: "CN",
    });
    // relation_type 1 (belongs to) first, then 0 (affiliated)
    expect(user.departments).toEqual([
      { id: "20210529172248496-D329-5748DE918" },
      { id: "20220221173529886-B8BB-9F404BCDE" },
    ]);
    const body = JSON.stringify(user);
    expect(body).not.toContain("420100199911111111");
    expect(body).not.toContain("1993-08-25");
    expect(body).not.toContain("120.46.143.105");
    for (const field of EIAM_SENSITIVE_FIELDS) expect(user.raw).not.toHaveProperty(field);
    expect(user.raw).toHaveProperty("first_name", "F");
  });

  it("keeps a sensitive field the connection exposes", () => {
    const raw = seedFixture("002-eiam-user-by-mobile.response.json");
    const user = eiamUserToDirectoryUser(EiamUserSchema.parse(raw), raw, {
      ...options,
      expose: ["attr_birthday"],
    });
    expect(user.raw).toHaveProperty("attr_birthday", "1993-08-25 00:00:00.000");
    expect(user.raw).not.toHaveProperty("attr_identity_number");
  });

  it.each([
    [{ disabled: true }, "disabled"],
    [{ locked: true }, "frozen"],
    [{ disabled: "false", locked: false }, "active"],
  ])("reads %o as %s", (flags, status) => {
    const raw = { ...seedFixture("002-eiam-user-by-mobile.response.json"), ...flags };
    expect(eiamUserToDirectoryUser(EiamUserSchema.parse(raw), raw, options).status).toBe(status);
  });
});
