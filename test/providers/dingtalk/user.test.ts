import { DirectoryUserSchema } from "@dirgate/core";
import {
  DingTalkLegacyUserSchema,
  DingTalkUserSchema,
  dingTalkLegacyUserToDirectoryUser,
  dingTalkUserToDirectoryUser,
} from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import { seedFixture } from "../../helpers/sandbox.ts";

const options = { connection: "acme", includeRaw: false, expose: [] as string[] };

describe("DingTalk v2 user mapper", () => {
  it("maps seed 001's response example verbatim, stringified values and all", () => {
    // Prepare: the doc's example carries "true", "[2,3,4]", "1597573616828" and single objects for lists.
    const raw = seedFixture<{ result: Record<string, unknown> }>(
      "001-dingtalk-user-get.response.json",
    ).result;
    // Act
    const user = dingTalkUserToDirectoryUser(DingTalkUserSchema.parse(raw), raw, options);
    // Assess
    expect(DirectoryUserSchema.parse(user)).toEqual(user);
    expect(user).toMatchObject({
      provider: "dingtalk",
      connection: "acme",
      id: "zhangsan",
      unionId: "z21HjQliSzpw0YWCNxmii6u2Os62cZ62iSZ",
      loginId: "login_id3",
      name: "John",
      nickname: "Name",
      mobile: { e164: "+8613800138000", countryCode: "86", nationalNumber: "13800138000" },
      email: "test@xxx.com",
      enterpriseEmail: "test@xxx.com",
      title: "Technical Director",
      employeeNumber: "4",
      managerId: "manager240",
      avatarUrl: "xxx",
      status: "active",
      hiredAt: "2020-08-16T10:26:56.828Z",
      workPlace: "Future Park",
      roles: [{ id: "100", name: "Director", group: "Position" }],
      isAdmin: true,
      isBoss: true,
      isSenior: true,
      extension: { Hobby: "Travel", Age: "24" },
      exclusiveAccount: { type: "dingtalk", corpId: "dingxxx", corpName: "Organization name" },
    });
    expect(user.departments).toEqual([{ id: "2", order: 1, isLeader: true }, { id: "3" }, { id: "4" }]);
    expect(user).not.toHaveProperty("raw");
  });

  it("maps the typed form the API really sends to the same user", () => {
    const seed = seedFixture<{ result: Record<string, unknown> }>(
      "001-dingtalk-user-get.response.json",
    ).result;
    const typed = {
      ...seed,
      boss: true,
      admin: true,
      senior: true,
      active: true,
      hide_mobile: false,
      real_authed: true,
      exclusive_account: true,
      hired_date: 1597573616828,
      dept_id_list: [2, 3, 4],
      dept_order_list: [{ dept_id: 2, order: 1 }],
      leader_in_dept: [{ dept_id: 2, leader: true }],
      role_list: [{ id: 100, name: "Director", group_name: "Position" }],
    };
    const fromDoc = dingTalkUserToDirectoryUser(DingTalkUserSchema.parse(seed), seed, options);
    const fromWire = dingTalkUserToDirectoryUser(DingTalkUserSchema.parse(typed), typed, options);
    expect(fromWire).toEqual(fromDoc);
  });

  it("leaves a hidden mobile out, raw included, unless the connection exposes it", () => {
    const raw = { userid: "u1", name: "A", mobile: "13800138001", state_code: "86", hide_mobile: true };
    const hidden = dingTalkUserToDirectoryUser(DingTalkUserSchema.parse(raw), raw, {
      ...options,
      includeRaw: true,
    });
    const exposed = dingTalkUserToDirectoryUser(DingTalkUserSchema.parse(raw), raw, {
      ...options,
      includeRaw: true,
      expose: ["mobile"],
    });
    expect(hidden.mobile).toBeUndefined();
    expect(JSON.stringify(hidden)).not.toContain("13800138001");
    expect(exposed.mobile?.e164).toBe("+8613800138001");
  });

  it("reads inactive and disabled enterprise accounts", () => {
    const inactive = { userid: "u", name: "n", active: false };
    const disabled = {
      userid: "u",
      name: "n",
      active: true,
      exclusive_account: true,
      disable_status: "true",
    };
    expect(dingTalkUserToDirectoryUser(DingTalkUserSchema.parse(inactive), inactive, options).status).toBe(
      "inactive",
    );
    expect(dingTalkUserToDirectoryUser(DingTalkUserSchema.parse(disabled), disabled, options).status).toBe(
      "disabled",
    );
  });
});

describe("DingTalk legacy user mapper", () => {
  it("reads seed 003's field names and the real `{2:1}` map strings", () => {
    const raw = {
      errcode: 0,
      errmsg: "ok",
      userid: "userid1",
      name: "赵敏",
      mobile: "13700000001",
      stateCode: "86",
      position: "设计师",
      jobnumber: "101",
      department: "[4,5]",
      orderInDepts: "{4:5,5:176294576350761}",
      isLeaderInDepts: "{4:false,5:true}",
      isAdmin: "false",
      active: true,
      hiredDate: "1609804800000",
      managerUserid: "manager4220",
      extattr: '{"工位":"A-1"}',
      roles: [{ id: 1, name: "主管", groupName: "职务" }],
    };
    const user = dingTalkLegacyUserToDirectoryUser(DingTalkLegacyUserSchema.parse(raw), raw, {
      ...options,
      includeRaw: true,
    });
    expect(user).toMatchObject({
      id: "userid1",
      title: "设计师",
      employeeNumber: "101",
      mobile: { e164: "+8613700000001" },
      managerId: "manager4220",
      isAdmin: false,
      hiredAt: "2021-01-05T00:00:00.000Z",
      extension: { 工位: "A-1" },
      roles: [{ id: "1", name: "主管", group: "职务" }],
    });
    expect(user.departments).toEqual([
      { id: "4", order: 5, isLeader: false },
      { id: "5", order: 176294576350761, isLeader: true },
    ]);
    expect(user.raw).not.toHaveProperty("errcode");
  });
});
