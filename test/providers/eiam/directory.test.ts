import type { DirectoryUser } from "@dirgate/core";
import { describe, expect, it } from "vitest";
import type { EiamOrg } from "../../../packages/providers/src/eiam/department.ts";
import { orderSubtree } from "../../../packages/providers/src/eiam/org-tree.ts";
import { demoClient, rejection } from "../../helpers/clients.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

/** EIAM organisations, the tree and everyone under an organisation, against the demo org's ground truth. */
const sbx = useSandbox();
const ei = () => sbx.current.eiam.emulator;
const client = () => demoClient(sbx.current, "demo-eiam");
const RD = "20210529172248496-D329-5748DE918";
const ORGS = "GET /api/v2/tenant/organizations";
const USERS = "GET /api/v2/tenant/users";

/** Ground truth from the demo org: organisation ids, display order, the people EIAM lists. */
const truth = () => {
  const org = sbx.current.org;
  const id = (key: string) => org.departmentByKey.get(key)!.eiamOrgId;
  const root = org.departments.find((d) => d.parentKey === null)!;
  /** Siblings by `order` (absent = 0), ties in org order. */
  const children = (key: string) =>
    org.departments
      .map((d, i) => ({ d, i }))
      .filter(({ d }) => d.parentKey === key)
      .sort((a, b) => (a.d.order ?? 0) - (b.d.order ?? 0) || a.i - b.i)
      .map(({ d }) => d);
  const subtree = (key: string): string[] => children(key).flatMap((d) => [d.key, ...subtree(d.key)]);
  // The emulator lists every EIAM person related to an organisation (either relation type), whatever
  // their status: resigned and disabled people are there, `disabled: true`.
  const people = org.people.filter((p) => p.in.eiam);
  const members = (keys: Set<string>) => people.filter((p) => p.memberships.some((m) => keys.has(m.deptKey)));
  return { org, id, root, children, subtree, people, members };
};

/** Every page of a listing, in order, and the size of each page. */
async function all<T>(page: (token?: string) => Promise<{ items: T[]; nextPageToken: string | null }>) {
  const items: T[] = [];
  const sizes: number[] = [];
  let token: string | undefined;
  do {
    const answer = await page(token);
    items.push(...answer.items);
    sizes.push(answer.items.length);
    token = answer.nextPageToken ?? undefined;
  } while (token);
  return { items, sizes, pages: sizes.length };
}

describe("EIAM organisations as departments", () => {
  it("reads an organisation: parent, name, order from sequence; a root has no parent; ORG.0001 is 404", async () => {
    const { org, root } = truth();
    const rd = await client().department({ departmentId: RD, include: "raw" });
    expect(rd).toEqual({
      provider: "eiam",
      connection: "demo-eiam",
      id: RD,
      parentId: root.eiamOrgId,
      name: "研发部",
      order: org.departmentByKey.get("rd")!.order,
      raw: expect.objectContaining({ org_id: RD, org_code: "rd", category: "department" }),
    });
    expect((await client().department({ departmentId: root.eiamOrgId })).parentId).toBeNull();
    expect(
      await rejection(client().department({ departmentId: "20990101000000000-0000-000000000" })),
    ).toMatchObject({ code: "DEPARTMENT_NOT_FOUND", upstream: { code: "ORG.0001" } });
  });

  it("has no open department ids: 501 without calling upstream", async () => {
    const calls = [
      () => client().department({ departmentId: RD, departmentIdType: "openDepartmentId" }),
      () => client().departmentChildren({ departmentId: RD, departmentIdType: "openDepartmentId" }),
      () => client().departmentUsers({ departmentId: RD, departmentIdType: "openDepartmentId" }),
    ];
    for (const call of calls)
      expect(await rejection(call())).toMatchObject({ code: "UNSUPPORTED_OPERATION" });
    expect(ei().countersSnapshot()).toEqual({});
  });

  it("lists direct children in display order, paged from one upstream read", async () => {
    const { root, children } = truth();
    const eiam = client();
    const direct = await all((pageToken) =>
      eiam.departmentChildren({ departmentId: root.eiamOrgId, pageSize: 2, pageToken }),
    );
    expect(direct.pages).toBeGreaterThan(2);
    expect(direct.items.map((d) => d.id)).toEqual(children(root.key).map((d) => d.eiamOrgId));
    // The organisation itself, which upstream lists with its next level, is not its own child.
    expect(direct.items.every((d) => d.parentId === root.eiamOrgId)).toBe(true);
    expect(ei().counter(ORGS)).toBe(1);
  });

  it("lists the whole subtree breadth-first: each organisation once, parents before children", async () => {
    const { org, id, root } = truth();
    const eiam = client();
    const tree = await all((pageToken) =>
      eiam.departmentChildren({ departmentId: root.eiamOrgId, recursive: true, pageSize: 4, pageToken }),
    );
    const ids = tree.items.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(
      new Set(org.departments.filter((d) => d.parentKey !== null).map((d) => d.eiamOrgId)),
    );
    const before = new Set([root.eiamOrgId]);
    for (const d of tree.items) {
      const dept = org.departments.find((x) => x.eiamOrgId === d.id)!;
      expect(d.parentId).toBe(id(dept.parentKey!));
      expect(before.has(d.parentId!), `${d.name} after its parent`).toBe(true);
      before.add(d.id);
    }
    expect(ei().counter(ORGS)).toBe(1);
  });

  it("orders a subtree itself: upstream order is undocumented", () => {
    const entry = (org_id: string, parent_id: string | null, sequence: number) => ({
      org: { org_id, parent_id, name: org_id, sequence } as EiamOrg,
      raw: {},
    });
    // Children listed before their parents, siblings against their display order, a stray organisation.
    const shuffled = [
      entry("b1", "b", 1),
      entry("a2", "a", 2),
      entry("b", "r", 1),
      entry("a1", "a", 1),
      entry("a", "r", 2),
      entry("r", null, 0),
      entry("elsewhere", "other-root", 1),
    ];
    expect(orderSubtree("r", shuffled).map((e) => e.org.org_id)).toEqual(["b", "a", "b1", "a1", "a2"]);
  });
});

describe("EIAM everyone under an organisation", () => {
  it("walks the whole org: the emulator's people, each once, each organisation's member pages read once", async () => {
    const { org, root, people, members } = truth();
    const eiam = client();
    const walk = await all((pageToken) =>
      eiam.departmentUsers({ departmentId: root.eiamOrgId, recursive: true, pageSize: 100, pageToken }),
    );
    const ids = walk.items.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(
      new Set(members(new Set(org.departments.map((d) => d.key))).map((p) => p.eiamUserId)),
    );
    expect(ids).toHaveLength(people.length);
    // Listed whatever their status: a resigned person is there, disabled.
    const resigned = people.find((p) => p.status === "resigned")!;
    expect(walk.items.find((u) => u.id === resigned.eiamUserId)?.status).toBe("disabled");
    // Departments are org ids (user_org_relation_list): the ids the walk went through.
    const orgIds = new Set(org.departments.map((d) => d.eiamOrgId));
    for (const u of walk.items) expect(u.departments.every((d) => orgIds.has(d.id))).toBe(true);
    // One organisations read for every page (kept 60 s); each organisation's members in ⌈n/100⌉ pages.
    const minimum = org.departments.reduce(
      (n, d) => n + Math.max(1, Math.ceil(members(new Set([d.key])).length / 100)),
      0,
    );
    expect(ei().counter(USERS)).toBe(minimum);
    expect(ei().counter(ORGS)).toBe(1);
    expect(walk.pages).toBeGreaterThan(1);
  });

  it("walks a subtree with pages smaller than EIAM's smallest (10): still each person once", async () => {
    const { subtree, members } = truth();
    const walk = await all((pageToken) =>
      client().departmentUsers({ departmentId: RD, recursive: true, pageSize: 7, pageToken }),
    );
    const ids = walk.items.map((u) => u.id);
    expect(Math.max(...walk.sizes)).toBeLessThanOrEqual(7);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(
      new Set(members(new Set(["rd", ...subtree("rd")])).map((p) => p.eiamUserId)),
    );
  });

  it("lists direct members page by page, one upstream call a page", async () => {
    const { id, members } = truth();
    const platform = await all((pageToken) =>
      client().departmentUsers({ departmentId: id("platform"), pageSize: 50, pageToken }),
    );
    const expected = members(new Set(["platform"]));
    expect(platform.items.map((u) => u.id).sort()).toEqual(expected.map((p) => p.eiamUserId).sort());
    expect(platform.pages).toBe(Math.ceil(expected.length / 50));
    expect(ei().counter(USERS)).toBe(platform.pages);
    expect(
      await rejection(client().departmentUsers({ departmentId: "20990101000000000-0000-000000000" })),
    ).toMatchObject({ code: "DEPARTMENT_NOT_FOUND" });
  });

  it("refuses a page token from another query, whatever its cursor says", async () => {
    const { id } = truth();
    const first = await client().departmentUsers({ departmentId: id("platform"), pageSize: 10 });
    const children = await client().departmentChildren({ departmentId: RD, recursive: true, pageSize: 1 });
    expect(first.nextPageToken).toMatch(/^dg1\./);
    const foreign = [
      () => client().departmentUsers({ departmentId: RD, pageSize: 10, pageToken: first.nextPageToken! }),
      () =>
        client().departmentUsers({
          departmentId: id("platform"),
          recursive: true,
          pageToken: first.nextPageToken!,
        }),
      () => client().departmentUsers({ departmentId: id("platform"), pageSize: 10, pageToken: "10" }),
      () =>
        client().departmentChildren({ departmentId: RD, pageSize: 1, pageToken: children.nextPageToken! }),
    ];
    for (const call of foreign) {
      expect(await rejection(call())).toMatchObject({
        code: "INVALID_REQUEST",
        message: "pageToken is not one this query returned",
      });
    }
  });

  it("fails loudly when a member page fails in the middle of a walk", async () => {
    const { root } = truth();
    const first = await client().departmentUsers({
      departmentId: root.eiamOrgId,
      recursive: true,
      pageSize: 50,
    });
    ei().addFault({ kind: "http503", count: 10, path: "/api/v2/tenant/users" });
    expect(
      await rejection(
        client().departmentUsers({
          departmentId: root.eiamOrgId,
          recursive: true,
          pageSize: 50,
          pageToken: first.nextPageToken!,
        }),
      ),
    ).toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
  });

  it("never answers an identity number, birthday or login IP, raw included", async () => {
    const { people } = truth();
    const answers = [
      await client().departmentUsers({ departmentId: RD, recursive: true, pageSize: 100, include: "raw" }),
      await client().departmentUsers({ departmentId: RD, pageSize: 100, include: "raw" }),
      await client().department({ departmentId: RD, include: "raw" }),
      await client().departmentChildren({ departmentId: RD, recursive: true, include: "raw" }),
      await client().userByEmail({ email: "15204130007@example.com", include: "raw" }),
    ];
    const users = (answers[0] as { items: DirectoryUser[] }).items;
    expect(users.length).toBeGreaterThan(10);
    expect(users.every((u) => u.raw !== undefined)).toBe(true);
    const body = JSON.stringify(answers);
    for (const field of ["attr_identity", "attr_birthday", "last_login_ip", "pwd_must_modify"]) {
      expect(body).not.toContain(field);
    }
    for (const p of people) if (p.identityNumber) expect(body).not.toContain(p.identityNumber);
  });
});

describe("EIAM lookups", () => {
  it("finds a user by email (user-by-email), or only the id with idsOnly", async () => {
    const user = await client().userByEmail({ email: "15204130007@example.com" });
    const ref = await client().userByEmail({ email: "15204130007@example.com", idsOnly: true });
    expect(user).toMatchObject({
      provider: "eiam",
      id: "20220825141325371-4D03-81EF80243",
      loginId: "cq04130007",
    });
    expect(ref).toEqual({
      provider: "eiam",
      connection: "demo-eiam",
      id: "20220825141325371-4D03-81EF80243",
    });
    expect(await rejection(client().userByEmail({ email: "nobody@example.com" }))).toMatchObject({
      code: "USER_NOT_FOUND",
      upstream: { code: "USER.0001" },
    });
  });

  it("answers many lookups in input order, one failure never failing the others", async () => {
    const someone = truth().people.find((p) => p.email && p.key.startsWith("gen-"))!;
    const answer = await client().usersLookup({
      items: [
        { email: someone.email! },
        { mobile: "15204139999" },
        { userId: "20220825141325371-4D03-81EF80243", idType: "openId" },
        { email: "nobody@example.com" },
        { mobile: "15204130007" },
        { userId: "20220825141325371-4D03-81EF80243" },
      ],
    });
    expect(answer.items.map((i) => (i.ok ? i.user.id : i.error.code))).toEqual([
      someone.eiamUserId,
      "USER_NOT_FOUND",
      "UNSUPPORTED_OPERATION",
      "USER_NOT_FOUND",
      "20220825141325371-4D03-81EF80243",
      "20220825141325371-4D03-81EF80243",
    ]);
  });
});
