import { isDeepStrictEqual } from "node:util";
import type { Department, Membership, Person } from "./org.ts";
import {
  derivedAlnum,
  derivedHex,
  eiamOrgIdFor,
  feishuDepartmentOpenIdFor,
  toWeComUserId,
  WECOM_USERID_PATTERN,
  wecomOpenUserIdFor,
} from "./org-ids.ts";

export type OrgAction = "created" | "updated" | "deleted";

/**
 * One record of the organisation changed. `before` is absent on `created`, `after` on `deleted`.
 * Records are replaced, never modified in place, so `before` and `after` stay as they were.
 */
export type OrgChange =
  | { kind: "user"; action: OrgAction; key: string; before?: Person; after?: Person }
  | { kind: "department"; action: OrgAction; key: string; before?: Department; after?: Department };

export type OrgListener = (change: OrgChange) => void;

/** A person to add: `key`, `name` and `memberships`; every other field has a default or a derived id. */
export type NewPerson = Pick<Person, "key" | "name" | "memberships"> &
  Partial<Omit<Person, "key" | "name" | "memberships">>;

/** Fields to change on a person (`key` never changes; `undefined` clears an optional field). */
export type PersonChanges = Partial<Omit<Person, "key">>;

/** A department to add under an existing parent; ids default to new, derived ones. It starts without members. */
export type NewDepartment = Pick<Department, "key" | "name" | "parentKey"> &
  Partial<Omit<Department, "key" | "name" | "parentKey" | "leaderKeys">>;

/** What may change on a department: ids are permanent, as in the real directories. */
export type DepartmentChanges = Partial<
  Pick<Department, "name" | "enName" | "parentKey" | "order" | "inFeishuScope" | "leaderKeys">
>;

/** A mutation the organisation refuses (unknown key, duplicate id, a department with members…). */
export class OrgError extends Error {
  override name = "OrgError";
}

const DEPARTMENT_CHANGEABLE = new Set([
  "name",
  "enName",
  "parentKey",
  "order",
  "inFeishuScope",
  "leaderKeys",
]);

/**
 * The demo organisation: departments and people with their indexes, kept consistent by the
 * mutation functions, which report every changed record to `onChange` listeners. Emulators read
 * it at request time, so a change is visible to every provider at once.
 *
 * Treat records as immutable: change them only through these functions.
 */
export class DemoOrg {
  readonly departments: Department[];
  readonly people: Person[];
  readonly departmentByKey: Map<string, Department>;
  readonly personByKey: Map<string, Person>;
  readonly #listeners = new Set<OrgListener>();

  constructor(departments: Department[], people: Person[]) {
    this.departments = departments;
    this.people = people;
    this.departmentByKey = new Map(departments.map((d) => [d.key, d]));
    this.personByKey = new Map(people.map((p) => [p.key, p]));
  }

  /** Calls the listener after every change (the requested record first, then any it cascaded to). */
  onChange(listener: OrgListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Direct sub-departments, in the organisation's order. */
  childrenOf(key: string): Department[] {
    return this.departments.filter((d) => d.parentKey === key);
  }

  /** The department and every department below it, parents before children. */
  subtreeOf(key: string): Department[] {
    const root = this.departmentByKey.get(key);
    if (!root) return [];
    const out: Department[] = [];
    const visit = (d: Department) => {
      out.push(d);
      for (const child of this.childrenOf(d.key)) visit(child);
    };
    visit(root);
    return out;
  }

  /** People whose memberships include the department. */
  membersOf(key: string): Person[] {
    return this.people.filter((p) => p.memberships.some((m) => m.deptKey === key));
  }

  addPerson(input: NewPerson): Person {
    if (this.personByKey.has(input.key)) throw new OrgError(`person ${input.key} exists`);
    const person = this.#completePerson(input);
    this.#checkPerson(person);
    this.people.push(person);
    this.personByKey.set(person.key, person);
    const cascaded = this.#syncLeaders(person.memberships.map((m) => m.deptKey));
    this.#emit([{ kind: "user", action: "created", key: person.key, after: person }, ...cascaded]);
    return person;
  }

  updatePerson(key: string, changes: PersonChanges): Person {
    const before = this.#person(key);
    if ("key" in changes && (changes as { key?: unknown }).key !== key) {
      throw new OrgError("a person's key never changes");
    }
    const after: Person = { ...structuredClone(before), ...structuredClone(changes), key };
    for (const [field, value] of Object.entries(after)) {
      if (value === undefined) delete (after as unknown as Record<string, unknown>)[field];
    }
    after.memberships = normaliseMemberships(after.memberships);
    // A renamed user keeps a WeCom userid that follows the new id (WeCom's update_user NewUserID).
    if (changes.userId !== undefined && changes.wecomUserId === undefined) {
      after.wecomUserId =
        before.wecomUserId === before.userId || before.wecomUserId === undefined
          ? toWeComUserId(after.userId, this.#takenWeComIds(key))
          : before.wecomUserId;
    }
    if (isDeepStrictEqual(before, after)) return before;
    this.#checkPerson(after, key);
    this.#replacePerson(before, after);
    const touched = [...before.memberships, ...after.memberships].map((m) => m.deptKey);
    const cascaded = this.#syncLeaders(touched);
    this.#emit([{ kind: "user", action: "updated", key, before, after }, ...cascaded]);
    return after;
  }

  removePerson(key: string): Person {
    const before = this.#person(key);
    this.people.splice(this.people.indexOf(before), 1);
    this.personByKey.delete(key);
    const cascaded: OrgChange[] = [];
    for (const p of [...this.people]) {
      if (p.managerKey !== key) continue;
      const after = structuredClone(p);
      delete after.managerKey;
      this.#replacePerson(p, after);
      cascaded.push({ kind: "user", action: "updated", key: p.key, before: p, after });
    }
    cascaded.push(...this.#syncLeaders(before.memberships.map((m) => m.deptKey)));
    this.#emit([{ kind: "user", action: "deleted", key, before }, ...cascaded]);
    return before;
  }

  addDepartment(input: NewDepartment): Department {
    if (this.departmentByKey.has(input.key)) throw new OrgError(`department ${input.key} exists`);
    if ("leaderKeys" in input) throw new OrgError("a new department has no members, so no leaders");
    if (input.parentKey === null) throw new OrgError("there is one root department");
    const parent = this.#department(input.parentKey);
    const dingtalkId = input.dingtalkId ?? Math.max(0, ...this.departments.map((d) => d.dingtalkId)) + 1;
    const takenWeCom = new Set(this.departments.map((d) => d.wecomId ?? d.dingtalkId));
    const department: Department = {
      enName: input.name,
      dingtalkId,
      feishuOpenId: feishuDepartmentOpenIdFor(input.key),
      feishuId: `D${String(dingtalkId).padStart(3, "0")}`,
      eiamOrgId: eiamOrgIdFor(input.key),
      inFeishuScope: parent.inFeishuScope,
      order: Math.max(0, ...this.childrenOf(parent.key).map((d) => d.order ?? 0)) + 10,
      wecomId: takenWeCom.has(dingtalkId) ? Math.max(...takenWeCom) + 1 : dingtalkId,
      ...definedOnly(input),
      key: input.key,
      name: input.name,
      parentKey: parent.key,
      leaderKeys: [],
    };
    this.#checkDepartment(department);
    this.departments.push(department);
    this.departmentByKey.set(department.key, department);
    this.#emit([{ kind: "department", action: "created", key: department.key, after: department }]);
    return department;
  }

  updateDepartment(key: string, changes: DepartmentChanges): Department {
    const before = this.#department(key);
    for (const field of Object.keys(changes)) {
      if (!DEPARTMENT_CHANGEABLE.has(field)) throw new OrgError(`a department's ${field} cannot change`);
    }
    const after: Department = { ...structuredClone(before), ...structuredClone(definedOnly(changes)) };
    if (changes.enName === undefined && "enName" in changes) after.enName = after.name;
    if (isDeepStrictEqual(before, after)) return before;
    if (after.parentKey !== before.parentKey) this.#checkMove(before, after.parentKey);
    const cascaded: OrgChange[] = [];
    if (changes.leaderKeys) {
      const leaderKeys = changes.leaderKeys;
      const members = new Set(this.membersOf(key).map((p) => p.key));
      if (new Set(leaderKeys).size !== leaderKeys.length) throw new OrgError(`duplicate leader in ${key}`);
      for (const leader of leaderKeys) {
        if (!members.has(leader)) throw new OrgError(`leader ${leader} is not a member of ${key}`);
      }
      for (const p of this.membersOf(key)) {
        const leader = leaderKeys.includes(p.key);
        if (p.memberships.find((m) => m.deptKey === key)?.leader === leader) continue;
        const changed = structuredClone(p);
        for (const m of changed.memberships) if (m.deptKey === key) m.leader = leader;
        this.#replacePerson(p, changed);
        cascaded.push({ kind: "user", action: "updated", key: p.key, before: p, after: changed });
      }
    }
    this.#replaceDepartment(before, after);
    this.#emit([{ kind: "department", action: "updated", key, before, after }, ...cascaded]);
    return after;
  }

  /** Removes an empty department (no sub-departments, no members), as the directories require. */
  removeDepartment(key: string): Department {
    const before = this.#department(key);
    if (before.parentKey === null) throw new OrgError("the root department cannot be removed");
    if (this.childrenOf(key).length > 0) throw new OrgError(`department ${key} has sub-departments`);
    if (this.membersOf(key).length > 0) throw new OrgError(`department ${key} has members`);
    this.departments.splice(this.departments.indexOf(before), 1);
    this.departmentByKey.delete(key);
    this.#emit([{ kind: "department", action: "deleted", key, before }]);
    return before;
  }

  /** What is inconsistent, if anything (for tests): indexes, references, leaders, duplicate ids. */
  problems(): string[] {
    const out: string[] = [];
    if (this.personByKey.size !== this.people.length) out.push("personByKey size differs from people");
    if (this.departmentByKey.size !== this.departments.length)
      out.push("departmentByKey size differs from departments");
    for (const p of this.people) if (this.personByKey.get(p.key) !== p) out.push(`personByKey[${p.key}]`);
    for (const d of this.departments) {
      if (this.departmentByKey.get(d.key) !== d) out.push(`departmentByKey[${d.key}]`);
      if (d.parentKey !== null && !this.departmentByKey.has(d.parentKey)) out.push(`${d.key}: parent`);
      const flagged = this.people
        .filter((p) => p.memberships.some((m) => m.deptKey === d.key && m.leader))
        .map((p) => p.key);
      if (!isDeepStrictEqual([...flagged].sort(), [...(d.leaderKeys ?? [])].sort()))
        out.push(`${d.key}: leaders`);
    }
    for (const p of this.people) {
      if (p.managerKey && !this.personByKey.has(p.managerKey)) out.push(`${p.key}: manager`);
      for (const m of p.memberships) if (!this.departmentByKey.has(m.deptKey)) out.push(`${p.key}: dept`);
    }
    const unique = (name: string, values: (string | number | undefined)[]) => {
      const present = values.filter((v) => v !== undefined);
      if (new Set(present).size !== present.length) out.push(`duplicate ${name}`);
    };
    for (const field of PERSON_IDS)
      unique(
        field,
        this.people.map((p) => p[field]),
      );
    unique(
      "wecomUserId (case-insensitive)",
      this.people.map((p) => p.wecomUserId?.toLowerCase()),
    );
    for (const field of DEPARTMENT_IDS)
      unique(
        field,
        this.departments.map((d) => d[field]),
      );
    unique(
      "wecomId",
      this.departments.map((d) => d.wecomId ?? d.dingtalkId),
    );
    return out;
  }

  #person(key: string): Person {
    const p = this.personByKey.get(key);
    if (!p) throw new OrgError(`no person ${key}`);
    return p;
  }

  #department(key: string): Department {
    const d = this.departmentByKey.get(key);
    if (!d) throw new OrgError(`no department ${key}`);
    return d;
  }

  #takenWeComIds(exceptKey?: string): Set<string> {
    return new Set(
      this.people
        .filter((p) => p.key !== exceptKey && p.wecomUserId)
        .map((p) => p.wecomUserId!.toLowerCase()),
    );
  }

  #completePerson(input: NewPerson): Person {
    const { key } = input;
    const userId = input.userId ?? key;
    const person: Person = {
      userId,
      dingtalkUnionId: derivedAlnum("dingtalk-union", key, 27),
      feishuOpenId: `ou_${derivedHex("feishu-open", key, 32)}`,
      feishuUnionId: `on_${derivedHex("feishu-union", key, 32)}`,
      eiamUserId: eiamOrgIdFor(`user:${key}`),
      gender: 0,
      hideMobile: false,
      status: "active",
      admin: false,
      boss: false,
      senior: false,
      realAuthed: true,
      wecomOpenUserId: wecomOpenUserIdFor(key),
      ...definedOnly(structuredClone(input)),
      in: { dingtalk: true, feishu: true, eiam: true, wecom: true, ...input.in },
      key,
      name: input.name,
      memberships: normaliseMemberships(structuredClone(input.memberships)),
    };
    person.wecomUserId ??= toWeComUserId(userId, this.#takenWeComIds());
    return person;
  }

  #checkPerson(p: Person, exceptKey?: string): void {
    const others = this.people.filter((o) => o.key !== exceptKey && o.key !== p.key);
    if (!p.name || !p.userId) throw new OrgError(`${p.key} needs a name and a userId`);
    if (p.memberships.length === 0) throw new OrgError(`${p.key} must belong to a department`);
    const depts = p.memberships.map((m) => m.deptKey);
    if (new Set(depts).size !== depts.length) throw new OrgError(`${p.key}: a department twice`);
    for (const d of depts) if (!this.departmentByKey.has(d)) throw new OrgError(`no department ${d}`);
    if (p.managerKey && p.managerKey !== p.key && !this.personByKey.has(p.managerKey)) {
      throw new OrgError(`no person ${p.managerKey} (manager of ${p.key})`);
    }
    if (!p.wecomUserId || !WECOM_USERID_PATTERN.test(p.wecomUserId)) {
      throw new OrgError(`${p.key}: invalid WeCom userid ${String(p.wecomUserId)}`);
    }
    for (const field of PERSON_IDS) {
      if (p[field] !== undefined && others.some((o) => o[field] === p[field])) {
        throw new OrgError(`${field} ${String(p[field])} is taken`);
      }
    }
    const wecom = p.wecomUserId.toLowerCase();
    if (others.some((o) => o.wecomUserId?.toLowerCase() === wecom)) {
      throw new OrgError(`WeCom userid ${p.wecomUserId} is taken (ignoring case)`);
    }
    const mobile = p.mobile ? `${p.mobile.countryCode}${p.mobile.national}` : undefined;
    if (
      mobile &&
      !p.exclusive &&
      others.some((o) => !o.exclusive && o.mobile && `${o.mobile.countryCode}${o.mobile.national}` === mobile)
    ) {
      throw new OrgError(`mobile +${mobile} is taken`);
    }
  }

  #checkDepartment(d: Department): void {
    for (const field of DEPARTMENT_IDS) {
      if (this.departments.some((o) => o[field] === d[field])) {
        throw new OrgError(`${field} ${String(d[field])} is taken`);
      }
    }
    const wecomId = d.wecomId ?? d.dingtalkId;
    if (this.departments.some((o) => (o.wecomId ?? o.dingtalkId) === wecomId)) {
      throw new OrgError(`WeCom department id ${wecomId} is taken`);
    }
  }

  #checkMove(d: Department, parentKey: string | null): void {
    if (d.parentKey === null) throw new OrgError("the root department cannot move");
    if (parentKey === null) throw new OrgError("there is one root department");
    this.#department(parentKey);
    if (this.subtreeOf(d.key).some((x) => x.key === parentKey)) {
      throw new OrgError(`${d.key} cannot move below itself`);
    }
  }

  #replacePerson(before: Person, after: Person): void {
    this.people[this.people.indexOf(before)] = after;
    this.personByKey.set(after.key, after);
  }

  #replaceDepartment(before: Department, after: Department): void {
    this.departments[this.departments.indexOf(before)] = after;
    this.departmentByKey.set(after.key, after);
  }

  /** Brings `leaderKeys` of these departments in line with the members' `leader` flags. */
  #syncLeaders(deptKeys: string[]): OrgChange[] {
    const changes: OrgChange[] = [];
    for (const key of new Set(deptKeys)) {
      const before = this.departmentByKey.get(key);
      if (!before) continue;
      const flagged = this.people
        .filter((p) => p.memberships.some((m) => m.deptKey === key && m.leader))
        .map((p) => p.key);
      const current = before.leaderKeys ?? [];
      const leaderKeys = [
        ...current.filter((k) => flagged.includes(k)),
        ...flagged.filter((k) => !current.includes(k)),
      ];
      if (isDeepStrictEqual(leaderKeys, current) && before.leaderKeys) continue;
      const after = { ...structuredClone(before), leaderKeys };
      this.#replaceDepartment(before, after);
      changes.push({ kind: "department", action: "updated", key, before, after });
    }
    return changes;
  }

  #emit(changes: OrgChange[]): void {
    let failure: unknown;
    for (const change of changes) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(change);
        } catch (error) {
          failure ??= error;
        }
      }
    }
    if (failure !== undefined) throw failure;
  }
}

const PERSON_IDS = [
  "userId",
  "dingtalkUnionId",
  "feishuOpenId",
  "feishuUnionId",
  "eiamUserId",
  "wecomOpenUserId",
] as const;

const DEPARTMENT_IDS = ["dingtalkId", "feishuOpenId", "feishuId", "eiamOrgId"] as const;

/** Exactly one primary membership (the first one when none is marked). */
function normaliseMemberships(memberships: Membership[]): Membership[] {
  const out = memberships.map((m) => ({ ...m }));
  const primaries = out.filter((m) => m.primary).length;
  if (primaries > 1) throw new OrgError("more than one primary department");
  if (primaries === 0 && out[0]) out[0].primary = true;
  return out;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
