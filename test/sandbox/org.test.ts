import { BIG_DEPARTMENT_KEY, buildDemoOrg, directMembers, phoneKey } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";

describe("demo organisation", () => {
  const org = buildDemoOrg();

  it("is deterministic for a seed and differs for another", () => {
    expect(buildDemoOrg()).toEqual(org);
    expect(buildDemoOrg({ seed: 99 }).people.map((p) => p.userId)).not.toEqual(
      org.people.map((p) => p.userId),
    );
  });

  it("holds a few hundred people by default and scales with size", () => {
    expect(org.people.length).toBeGreaterThanOrEqual(300);
    expect(buildDemoOrg({ size: 2000 }).people.length).toBeGreaterThanOrEqual(2000);
  });

  it("holds every identity named in the seeds", () => {
    const byUserId = new Map(org.people.map((p) => [p.userId, p]));
    expect(byUserId.get("zhangsan")?.mobile).toEqual({ countryCode: "86", national: "13800138000" });
    for (const id of ["manager240", "manager4220", "userid1", "3e3cf96b", "cq04130007"])
      expect(byUserId.has(id), id).toBe(true);
    expect(org.people.some((p) => p.exclusive?.loginId === "test")).toBe(true);
    expect(org.people.some((p) => p.eiamUserId === "20210601223953060-2AEC-D22770B77")).toBe(true);
    expect(org.departments.map((d) => d.feishuOpenId)).toEqual(
      expect.arrayContaining(["od-4e6ac4d14bcd5071a37a39de902c7141", "od-5caa30529e8feabe141512b5c3c7153a"]),
    );
  });

  it("has more than 120 direct members in od-5caa…", () => {
    const members = directMembers(org, BIG_DEPARTMENT_KEY).filter((p) => p.status !== "resigned");
    expect(members.length).toBeGreaterThan(120);
  });

  it("holds what real directories hold", () => {
    const statuses = new Set(org.people.map((p) => p.status));
    expect([...statuses].sort()).toEqual(["active", "disabled", "frozen", "inactive", "resigned"]);
    expect(org.people.some((p) => p.hideMobile)).toBe(true);
    expect(org.people.some((p) => !p.mobile)).toBe(true);
    expect(org.people.some((p) => p.mobile?.countryCode === "852")).toBe(true);
    expect(org.people.some((p) => p.mobile?.countryCode === "41")).toBe(true);
    expect(org.people.some((p) => p.memberships.length > 1)).toBe(true);
    expect(org.people.some((p) => /[\u4e00-\u9fff]/.test(p.name))).toBe(true);
    expect(org.people.some((p) => /^[A-Za-zÀ-ÿ' ]+$/.test(p.name))).toBe(true);
    const sharing = org.people.filter((p) => p.mobile && phoneKey(p.mobile) === "8613900139000");
    expect(sharing.filter((p) => p.exclusive).length).toBeGreaterThanOrEqual(2);
    expect(sharing.filter((p) => !p.exclusive)).toHaveLength(1);
  });

  it("gives every person unique ids, and every non-exclusive mobile one owner", () => {
    for (const field of [
      "userId",
      "feishuOpenId",
      "feishuUnionId",
      "eiamUserId",
      "dingtalkUnionId",
    ] as const) {
      expect(new Set(org.people.map((p) => p[field])).size, field).toBe(org.people.length);
    }
    const regular = org.people.filter((p) => p.mobile && !p.exclusive).map((p) => phoneKey(p.mobile!));
    expect(new Set(regular).size).toBe(regular.length);
  });

  it("points every manager and department reference at something that exists", () => {
    for (const p of org.people) {
      if (p.managerKey) expect(org.personByKey.has(p.managerKey), p.key).toBe(true);
      for (const m of p.memberships) expect(org.departmentByKey.has(m.deptKey), p.key).toBe(true);
    }
  });
});
