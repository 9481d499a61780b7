import { DirectoryUserSchema } from "@dirgate/core";
import { FeishuUserSchema, feishuUserToDirectoryUser } from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import { seedFixture } from "../../helpers/sandbox.ts";

const options = {
  connection: "acme-feishu",
  includeRaw: false,
  expose: [] as string[],
  idType: "userId" as const,
};
const seedItem = () =>
  seedFixture<{ data: { items: Record<string, unknown>[] } }>("004-feishu-find-by-department.response.json")
    .data.items[0]!;

describe("Feishu user mapper", () => {
  it("maps seed 004's example item", () => {
    const raw = seedItem();
    const user = feishuUserToDirectoryUser(FeishuUserSchema.parse(raw), raw, options);
    expect(DirectoryUserSchema.parse(user)).toEqual(user);
    expect(user).toMatchObject({
      provider: "feishu",
      id: "3e3cf96b",
      openId: "ou_7dab8a3d3cdcc9da365777c7ad535d62",
      unionId: "on_94a1ee5551019f18cd73d9f111898cf2",
      name: "张三",
      englishName: "San Zhang",
      nickname: "Alex Zhang",
      email: "zhangsan@gmail.com",
      enterpriseEmail: "demo@mail.com",
      title: "xxxxx",
      employeeNumber: "1",
      managerId: "ou_7dab8a3d3cdcc9da365777c7ad535d62",
      avatarUrl: "https://foo.icon.com/xxxx",
      status: "active",
      hiredAt: "2038-01-19T03:14:07.000Z",
      workPlace: "北楼-H34",
      city: "杭州",
      country: "CN",
      isAdmin: false,
      extension: { DemoId: "DemoText" },
    });
    expect(user.departments).toEqual([{ id: "od-4e6ac4d14bcd5071a37a39de902c7141", order: 100 }]);
    // mobile_visible is false in the seed: the number is hidden.
    expect(user.mobile).toBeUndefined();
  });

  it("keeps a hidden mobile when the connection exposes it, and reads +CC numbers", () => {
    const raw = { ...seedItem(), mobile: "+41446681800" };
    const user = feishuUserToDirectoryUser(FeishuUserSchema.parse(raw), raw, {
      ...options,
      expose: ["mobile"],
    });
    expect(user.mobile).toEqual({ e164: "+41446681800", countryCode: "41", nationalNumber: "446681800" });
  });

  it.each([
    [{ is_resigned: true, is_activated: true }, "resigned"],
    [{ is_frozen: true, is_activated: true }, "frozen"],
    [{ is_activated: false, is_unjoin: true }, "inactive"],
    [{ is_activated: true }, "active"],
  ])("reads status %o as %s", (status, expected) => {
    const raw = { ...seedItem(), status };
    expect(feishuUserToDirectoryUser(FeishuUserSchema.parse(raw), raw, options).status).toBe(expected);
  });

  it("uses the requested id type for id", () => {
    const raw = seedItem();
    expect(
      feishuUserToDirectoryUser(FeishuUserSchema.parse(raw), raw, { ...options, idType: "openId" }).id,
    ).toBe("ou_7dab8a3d3cdcc9da365777c7ad535d62");
  });
});
