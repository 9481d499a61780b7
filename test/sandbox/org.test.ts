import { BIG_DEPARTMENT_KEY, buildDemoOrg, directMembers, phoneKey } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import {
  type DemoOrg,
  inWeCom,
  type OrgChange,
  OrgError,
  toWeComUserId,
  WECOM_USERID_PATTERN,
} from "../../packages/sandbox/src/org.ts";

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

describe("demo organisation: shape", () => {
  const org = buildDemoOrg();
  const levels = (key: string): number => {
    const d = org.departmentByKey.get(key)!;
    return d.parentKey === null ? 1 : 1 + levels(d.parentKey);
  };

  it("is a tree at least four levels below the root (root → rd → platform → infra → sre)", () => {
    expect(Math.max(...org.departments.map((d) => levels(d.key)))).toBeGreaterThanOrEqual(5);
    expect(levels("sre")).toBe(5);
    expect(org.departments.filter((d) => d.parentKey === null).map((d) => d.key)).toEqual(["root"]);
    expect(org.problems()).toEqual([]);
  });

  it("keeps the seed departments as the seeds name them", () => {
    const platform = org.departmentByKey.get(BIG_DEPARTMENT_KEY)!;
    expect(platform).toMatchObject({
      dingtalkId: 5,
      feishuOpenId: "od-5caa30529e8feabe141512b5c3c7153a",
      parentKey: "rd",
      inFeishuScope: true,
    });
    expect(org.departmentByKey.get("board")?.inFeishuScope).toBe(false);
    expect(org.departmentByKey.get("root")).toMatchObject({ dingtalkId: 1, wecomId: 1, parentKey: null });
  });

  it("spreads people over the sub-departments, some in two or three departments", () => {
    for (const key of ["infra", "sre", "network", "data", "ios", "android", "shanghai-sales"]) {
      expect(directMembers(org, key).length, key).toBeGreaterThan(0);
    }
    expect(org.people.filter((p) => p.memberships.length === 2).length).toBeGreaterThan(3);
    expect(org.people.filter((p) => p.memberships.length === 3).length).toBeGreaterThan(1);
    for (const p of org.people)
      expect(
        p.memberships.filter((m) => m.primary),
        p.key,
      ).toHaveLength(1);
  });

  it("names a leader in every staffed department, two in platform, consistent with the memberships", () => {
    for (const d of org.departments) {
      const flagged = directMembers(org, d.key)
        .filter((p) => p.memberships.some((m) => m.deptKey === d.key && m.leader))
        .map((p) => p.key);
      expect([...(d.leaderKeys ?? [])].sort(), d.key).toEqual(flagged.sort());
      if (d.parentKey !== null && directMembers(org, d.key).length > 0) {
        expect(d.leaderKeys?.length, d.key).toBeGreaterThan(0);
      }
    }
    expect(org.departmentByKey.get(BIG_DEPARTMENT_KEY)?.leaderKeys).toHaveLength(2);
    expect(org.departmentByKey.get("rd")?.leaderKeys).toEqual(["manager240", "zhangsan", "wuhan-manager"]);
  });

  it("gives generated people a manager above them, never a pair managing each other", () => {
    const generated = org.people.filter((p) => p.key.startsWith("gen-"));
    expect(generated.every((p) => p.managerKey !== undefined)).toBe(true);
    for (const p of generated) {
      const manager = org.personByKey.get(p.managerKey!)!;
      expect(manager.key, p.key).not.toBe(p.key);
      expect(manager.managerKey === p.key, p.key).toBe(false);
      const led = org.departments.filter((d) => d.leaderKeys?.includes(manager.key));
      expect(led.length, p.key).toBeGreaterThan(0);
    }
  });

  it("gives every person and department unique ids in every directory, WeCom's included", () => {
    for (const field of ["wecomUserId", "wecomOpenUserId"] as const) {
      expect(new Set(org.people.map((p) => p[field])).size, field).toBe(org.people.length);
    }
    expect(new Set(org.people.map((p) => p.wecomUserId?.toLowerCase())).size).toBe(org.people.length);
    for (const p of org.people) {
      expect(p.wecomUserId, p.key).toMatch(WECOM_USERID_PATTERN);
      expect(p.wecomOpenUserId, p.key).toMatch(/^wo[A-Za-z0-9]{30}$/);
      if (WECOM_USERID_PATTERN.test(p.userId)) expect(p.wecomUserId, p.key).toBe(p.userId);
    }
    for (const field of ["dingtalkId", "feishuOpenId", "feishuId", "eiamOrgId", "wecomId"] as const) {
      expect(new Set(org.departments.map((d) => d[field])).size, field).toBe(org.departments.length);
    }
    expect(org.departmentByKey.get("sre")?.wecomId).toBe(org.departmentByKey.get("sre")?.dingtalkId);
  });

  it("leaves some people out of WeCom's directory, the DingTalk-only enterprise accounts among them", () => {
    const outside = org.people.filter((p) => !inWeCom(p));
    expect(outside.map((p) => p.key)).toEqual(expect.arrayContaining(["ea-test", "lisi-ea1", "lisi-ea2"]));
    expect(outside.some((p) => p.key.startsWith("gen-"))).toBe(true);
    expect(inWeCom(org.personByKey.get("zhangsan")!)).toBe(true);
  });

  it("derives a WeCom userid where the tenant-wide one does not fit WeCom's rule", () => {
    const taken = new Set(["zhangsan"]);
    expect(toWeComUserId("li.na@corp", taken)).toBe("li.na@corp");
    expect(toWeComUserId("ZhangSan", taken)).toBe("ZhangSan-2");
    expect(toWeComUserId("_tmp:worker 7", taken)).toBe("tmpworker7");
    expect(toWeComUserId("张三", taken)).toMatch(/^wx[0-9a-f]{12}$/);
    expect(toWeComUserId("x".repeat(70), taken)).toHaveLength(56);
    for (const id of ["ZhangSan-2", "tmpworker7"]) expect(id).toMatch(WECOM_USERID_PATTERN);
  });
});

describe("demo organisation: mutations", () => {
  const dept = (org: DemoOrg, key: string) => org.departmentByKey.get(key)!;
  const record = (org: DemoOrg) => {
    const changes: OrgChange[] = [];
    org.onChange((c) => changes.push(c));
    return changes;
  };

  it("adds a person with derived ids, keeps the indexes and leaders in step, and reports it", () => {
    // Prepare
    const org = buildDemoOrg({ size: 40 });
    const changes = record(org);
    // Act
    const person = org.addPerson({
      key: "new-hire",
      name: "新同事",
      userId: "new.hire",
      mobile: { countryCode: "86", national: "13312345678" },
      memberships: [{ deptKey: "sre", order: 5, leader: true, primary: false }],
    });
    // Assess
    expect(org.personByKey.get("new-hire")).toBe(person);
    expect(org.people.at(-1)).toBe(person);
    expect(person).toMatchObject({ wecomUserId: "new.hire", status: "active", in: { wecom: true } });
    expect(person.memberships[0]?.primary).toBe(true);
    expect(person.feishuOpenId).toMatch(/^ou_[0-9a-f]{32}$/);
    expect(dept(org, "sre").leaderKeys).toContain("new-hire");
    expect(changes.map((c) => [c.kind, c.action, c.key])).toEqual([
      ["user", "created", "new-hire"],
      ["department", "updated", "sre"],
    ]);
    expect(changes[0]?.before).toBeUndefined();
    expect(changes[0]?.after).toBe(person);
    expect(org.problems()).toEqual([]);
  });

  it("refuses a person whose ids are taken (WeCom's userid ignoring case) or whose department is unknown", () => {
    const org = buildDemoOrg({ size: 20 });
    const base = { name: "X", memberships: [{ deptKey: "rd", order: 1, leader: false, primary: true }] };
    expect(() => org.addPerson({ ...base, key: "a", userId: "zhangsan" })).toThrow(OrgError);
    expect(() => org.addPerson({ ...base, key: "b", userId: "z2", wecomUserId: "ZHANGSAN" })).toThrow(
      /ignoring case/,
    );
    expect(() =>
      org.addPerson({ ...base, key: "c", mobile: { countryCode: "86", national: "13900139000" } }),
    ).toThrow(/mobile/);
    expect(() =>
      org.addPerson({
        ...base,
        key: "d",
        memberships: [{ deptKey: "nowhere", order: 1, leader: false, primary: true }],
      }),
    ).toThrow(/nowhere/);
    expect(() => org.addPerson({ ...base, key: "zhangsan" })).toThrow(/exists/);
    expect(org.people.length).toBe(buildDemoOrg({ size: 20 }).people.length);
  });

  it("updates a person: new record, old one untouched, leaders re-derived, a rename carries the WeCom userid", () => {
    const org = buildDemoOrg({ size: 40 });
    const changes = record(org);
    const before = org.personByKey.get("userid1")!;
    const after = org.updatePerson("userid1", {
      userId: "zhao.min",
      memberships: [{ deptKey: "design", order: 5, leader: true, primary: true }],
    });
    expect(after).not.toBe(before);
    expect(before.userId).toBe("userid1");
    expect(org.personByKey.get("userid1")).toBe(after);
    expect(org.people.includes(before)).toBe(false);
    expect(after.wecomUserId).toBe("zhao.min");
    expect(dept(org, "design").leaderKeys).toContain("userid1");
    expect(changes.map((c) => [c.kind, c.action, c.key])).toEqual([
      ["user", "updated", "userid1"],
      ["department", "updated", "design"],
    ]);
    expect(changes[0]).toMatchObject({ before, after });
    // A change to nothing is no change.
    expect(org.updatePerson("userid1", { name: after.name })).toBe(after);
    expect(changes).toHaveLength(2);
    expect(org.problems()).toEqual([]);
  });

  it("removes a person: their reports lose the manager and their departments the leader", () => {
    const org = buildDemoOrg({ size: 40 });
    const changes = record(org);
    const reports = org.people.filter((p) => p.managerKey === "manager4220").map((p) => p.key);
    expect(reports.length).toBeGreaterThan(0);
    const removed = org.removePerson("manager4220");
    expect(org.personByKey.has("manager4220")).toBe(false);
    expect(org.people.includes(removed)).toBe(false);
    for (const key of reports) expect(org.personByKey.get(key)?.managerKey).toBeUndefined();
    expect(dept(org, "product").leaderKeys).not.toContain("manager4220");
    expect(changes[0]).toMatchObject({
      kind: "user",
      action: "deleted",
      key: "manager4220",
      before: removed,
    });
    expect(
      changes
        .filter((c) => c.kind === "user" && c.action === "updated")
        .map((c) => c.key)
        .sort(),
    ).toEqual([...reports].sort());
    expect(changes.some((c) => c.kind === "department" && c.key === "product")).toBe(true);
    expect(org.problems()).toEqual([]);
  });

  it("adds, moves, re-leads and removes departments, and refuses what the directories refuse", () => {
    const org = buildDemoOrg();
    const changes = record(org);
    const added = org.addDepartment({ key: "qa", name: "测试组", parentKey: "platform" });
    expect(added).toMatchObject({ dingtalkId: 21, wecomId: 21, enName: "测试组", leaderKeys: [] });
    expect(added.feishuOpenId).toMatch(/^od-[0-9a-f]{32}$/);
    expect(org.childrenOf("platform").map((d) => d.key)).toContain("qa");
    expect(() => org.addDepartment({ key: "qa", name: "again", parentKey: "rd" })).toThrow(OrgError);

    const moved = org.updateDepartment("qa", { parentKey: "infra", name: "质量组" });
    expect(moved.parentKey).toBe("infra");
    expect(org.subtreeOf("infra").map((d) => d.key)).toContain("qa");
    expect(() => org.updateDepartment("infra", { parentKey: "sre" })).toThrow(/below itself/);
    expect(() => org.updateDepartment("root", { parentKey: "rd" })).toThrow(/root/);
    expect(() => org.updateDepartment("qa", { dingtalkId: 99 } as never)).toThrow(/cannot change/);

    const sreMember = directMembers(org, "sre").find((p) => !p.memberships.some((m) => m.leader))!;
    const releaded = org.updateDepartment("sre", { leaderKeys: [sreMember.key] });
    expect(releaded.leaderKeys).toEqual([sreMember.key]);
    expect(org.personByKey.get(sreMember.key)?.memberships.find((m) => m.deptKey === "sre")?.leader).toBe(
      true,
    );
    expect(() => org.updateDepartment("sre", { leaderKeys: ["zhangsan"] })).toThrow(/not a member/);

    expect(() => org.removeDepartment("sre")).toThrow(/members/);
    expect(() => org.removeDepartment("platform")).toThrow(/sub-departments/);
    expect(() => org.removeDepartment("root")).toThrow(/root/);
    org.removeDepartment("qa");
    expect(org.departmentByKey.has("qa")).toBe(false);

    expect(changes.map((c) => `${c.kind}:${c.action}:${c.key}`)).toEqual(
      expect.arrayContaining([
        "department:created:qa",
        "department:updated:qa",
        "department:updated:sre",
        `user:updated:${sreMember.key}`,
        "department:deleted:qa",
      ]),
    );
    expect(org.problems()).toEqual([]);
  });

  it("stops reporting to a listener once it unsubscribes", () => {
    const org = buildDemoOrg({ size: 20 });
    const seen: string[] = [];
    const unsubscribe = org.onChange((c) => seen.push(c.key));
    org.updatePerson("lisi", { title: "Sales Director" });
    unsubscribe();
    org.updatePerson("lisi", { title: "VP Sales" });
    expect(seen).toEqual(["lisi"]);
  });
});
