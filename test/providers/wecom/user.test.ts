import { describe, expect, it } from "vitest";
import { splitErrmsg } from "../../../packages/providers/src/wecom/transport.ts";
import { WeComUserSchema, weComUserToDirectoryUser } from "../../../packages/providers/src/wecom/user.ts";

/** A `user/get` answer in the shape of the 读取成员 page's example (90196), for an app that gets everything. */
const example = {
  errcode: 0,
  errmsg: "ok",
  userid: "zhangsan",
  name: "张三",
  department: [1, 2],
  order: [1, 2],
  position: "后台工程师",
  mobile: "13800000000",
  gender: "1",
  email: "zhangsan@gzdev.com",
  biz_mail: "zhangsan@qyycs2.wecom.work",
  is_leader_in_dept: [1, 0],
  direct_leader: ["lisi"],
  avatar:
    "http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/0",
  thumb_avatar:
    "http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/100",
  telephone: "020-123456",
  alias: "jackzhang",
  address: "广州市海珠区新港中路",
  open_userid: "xxxxxx",
  main_department: 2,
  extattr: {
    attrs: [
      { type: 0, name: "文本名称", text: { value: "文本" } },
      { type: 1, name: "网页名称", web: { url: "http://www.test.com", title: "标题" } },
    ],
  },
  status: 1,
  qr_code: "https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=xxx",
  external_position: "产品经理",
  english_name: "Jack Zhang",
};

const map = (raw: Record<string, unknown>, options: { expose?: string[]; includeRaw?: boolean } = {}) =>
  weComUserToDirectoryUser(WeComUserSchema.parse(raw), raw, {
    connection: "c",
    includeRaw: options.includeRaw ?? false,
    expose: options.expose ?? [],
  });

describe("WeCom member → DirectoryUser", () => {
  it("maps the documented example field by field (docs/providers.md, WeCom column)", () => {
    expect(map(example)).toEqual({
      provider: "wecom",
      connection: "c",
      id: "zhangsan",
      openId: "xxxxxx",
      name: "张三",
      englishName: "Jack Zhang",
      nickname: "jackzhang",
      mobile: { e164: "+8613800000000", countryCode: "86", nationalNumber: "13800000000" },
      email: "zhangsan@gzdev.com",
      enterpriseEmail: "zhangsan@qyycs2.wecom.work",
      title: "后台工程师",
      // The main department first; order and leadership zipped by position.
      departments: [
        { id: "2", order: 2, isLeader: false },
        { id: "1", order: 1, isLeader: true },
      ],
      managerId: "lisi",
      avatarUrl: example.avatar,
      status: "active",
      workPlace: "广州市海珠区新港中路",
      extension: { 文本名称: "文本", 网页名称: { url: "http://www.test.com", title: "标题" } },
    });
  });

  it("names exactly the fields WeCom left out, never the ones it sent empty", () => {
    const {
      mobile: _m,
      email: _e,
      biz_mail: _b,
      avatar: _a,
      thumb_avatar: _t,
      address: _d,
      qr_code: _q,
      ...recent
    } = example;
    expect(map({ ...recent, gender: "0" }).withheld).toEqual([
      "mobile",
      "email",
      "enterpriseEmail",
      "avatarUrl",
      "workPlace",
    ]);
    const empty = map({ ...example, mobile: "", email: "", biz_mail: "", avatar: "", address: "" });
    expect(empty.withheld).toBeUndefined();
    expect(empty.mobile).toBeUndefined();
    expect(empty.email).toBeUndefined();
  });

  it.each([
    [1, undefined, "active"],
    [2, undefined, "disabled"],
    [4, undefined, "inactive"],
    [5, undefined, "resigned"],
    [1, 0, "disabled"],
    [3, undefined, "inactive"],
    [undefined, undefined, "inactive"],
  ])("maps status %s (enable %s) to %s", (status, enable, expected) => {
    expect(map({ ...example, status, enable }).status).toBe(expected);
  });

  it("drops a hidden mobile (raw included) unless the connection exposes it", () => {
    const hidden = { ...example, hide_mobile: 1 };
    const dropped = map(hidden, { includeRaw: true });
    expect(dropped.mobile).toBeUndefined();
    expect(dropped.raw).not.toHaveProperty("mobile");
    expect(dropped.withheld).toBeUndefined();
    expect(map(hidden, { expose: ["mobile"], includeRaw: true })).toMatchObject({
      mobile: { e164: "+8613800000000" },
      raw: { mobile: "13800000000" },
    });
  });

  it("reads non-mainland numbers as WeCom writes them", () => {
    expect(map({ ...example, mobile: "+852 51234567" }).mobile?.e164).toBe("+85251234567");
    expect(map({ ...example, mobile: "+41-446681800" }).mobile?.e164).toBe("+41446681800");
  });
});

describe("WeCom errmsg", () => {
  it.each([
    [
      "not allow to access from your ip, hint: [1665631550347282440343881], from ip: 1.2.3.4, more info at https://open.work.weixin.qq.com/devtool/query?e=60020",
      { message: "not allow to access from your ip", hint: "1665631550347282440343881" },
    ],
    [
      "no privilege to access/modify contact/party/agent , hint: [1599311894_80_c1153], from ip: 2001:db8::1, more info at https://open.work.weixin.qq.com/devtool/query?e=60011",
      { message: "no privilege to access/modify contact/party/agent", hint: "1599311894_80_c1153" },
    ],
    [
      "access_token expired, more info at https://open.work.weixin.qq.com/devtool/query?e=42001",
      { message: "access_token expired" },
    ],
    [
      "Warning: wrong json format. mobile exceed min length 5. invalid Request Parameter, hint: [1], from ip: 10.0.0.1, more info at x",
      {
        message: "Warning: wrong json format. mobile exceed min length 5. invalid Request Parameter",
        hint: "1",
      },
    ],
    ["api freq out of limit", { message: "api freq out of limit" }],
  ])("keeps what WeCom said of %s, and the hint as its request id", (errmsg, expected) => {
    expect(splitErrmsg(errmsg)).toEqual(expected);
  });
});
