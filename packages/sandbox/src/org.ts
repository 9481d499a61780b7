import { DEMO_DEPARTMENTS } from "./org-departments.ts";
import { toWeComUserId, wecomOpenUserIdFor } from "./org-ids.ts";
import { DemoOrg } from "./org-store.ts";
import { alnum, createRng, hex, pick } from "./rng.ts";
import { SEED_DEPARTMENTS, SEED_PEOPLE } from "./seed-identities.ts";

export { toWeComUserId, WECOM_USERID_PATTERN } from "./org-ids.ts";
export {
  DemoOrg,
  type DepartmentChanges,
  type NewDepartment,
  type NewPerson,
  type OrgAction,
  type OrgChange,
  OrgError,
  type OrgListener,
  type PersonChanges,
} from "./org-store.ts";

/** A person's state, as a directory sees it. */
export type PersonStatus = "active" | "inactive" | "disabled" | "resigned" | "frozen";

export interface Phone {
  /** Country calling code without `+`, e.g. `86`, `852`, `41`. */
  countryCode: string;
  /** The national significant number, digits only. */
  national: string;
}

export interface Membership {
  deptKey: string;
  /** Order in the department (the same number in every provider's view). */
  order: number;
  /** Leader of this department; the department's `leaderKeys` lists exactly these people. */
  leader: boolean;
  /** EIAM relation type: 1 = belongs to (primary), 0 = affiliated. */
  primary: boolean;
}

export interface Department {
  key: string;
  name: string;
  enName: string;
  parentKey: string | null;
  dingtalkId: number;
  feishuOpenId: string;
  /** Feishu custom `department_id`. */
  feishuId: string;
  eiamOrgId: string;
  /** Whether the demo Feishu app has this department in its contact scope (else 40004). */
  inFeishuScope: boolean;
  /**
   * Order among its siblings: the same number in every provider's view (DingTalk and WeCom
   * `order`, Feishu `order`); each provider sorts by its own rule (WeCom: larger first). Set on
   * every department of `buildDemoOrg` and `addDepartment`; absent = 0.
   */
  order?: number;
  /**
   * The department's leaders (DingTalk `dept_manager_userid_list`, Feishu `leader_user_id`, WeCom
   * `department_leader`), in order: exactly the members whose membership here has `leader: true`.
   * Set on every department of `buildDemoOrg` and `addDepartment`; absent = none.
   */
  leaderKeys?: string[];
  /** WeCom department id (a 32-bit int, root = 1); absent = `dingtalkId`. */
  wecomId?: number;
}

/** One person of the demo organisation; each provider's view is derived from it. */
export interface Person {
  key: string;
  /** DingTalk `userid`, Feishu `user_id`, EIAM `user_name`: the tenant-wide user id. */
  userId: string;
  dingtalkUnionId: string;
  feishuOpenId: string;
  feishuUnionId: string;
  eiamUserId: string;
  name: string;
  enName?: string;
  nickname?: string;
  gender: 0 | 1 | 2;
  mobile?: Phone;
  hideMobile: boolean;
  email?: string;
  orgEmail?: string;
  telephone?: string;
  title?: string;
  jobNumber?: string;
  workPlace?: string;
  city?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  remark?: string;
  memberships: Membership[];
  managerKey?: string;
  status: PersonStatus;
  /** Hire date, epoch milliseconds. */
  hiredAt?: number;
  admin: boolean;
  boss: boolean;
  senior: boolean;
  realAuthed: boolean;
  exclusive?: {
    type: "dingtalk" | "sso";
    loginId?: string;
    corpName: string;
    corpId: string;
    disabled: boolean;
  };
  extension?: Record<string, string>;
  roles?: { id: number; name: string; groupName: string }[];
  avatarUrl?: string;
  /** EIAM-only sensitive attributes. */
  identityNumber?: string;
  birthday?: string;
  lastLoginIp?: string;
  lastLoginAt?: string;
  createdAt?: string;
  /**
   * WeCom `userid`: the tenant-wide `userId` where it fits WeCom's rule (1–64 of `[A-Za-z0-9_.@-]`,
   * first a letter or digit, unique ignoring case), else one derived from it. Always set on the
   * people of `buildDemoOrg` and `addPerson`.
   */
  wecomUserId?: string;
  /** WeCom `open_userid` (only third-party and 代开发 apps receive it). */
  wecomOpenUserId?: string;
  /** Which providers' directories hold this person (`wecom` absent = true). */
  in: { dingtalk: boolean; feishu: boolean; eiam: boolean; wecom?: boolean };
  /** Verbatim fields from a seed example that the derived view does not produce itself. */
  extras?: {
    dingtalk?: Record<string, unknown>;
    feishu?: Record<string, unknown>;
    eiam?: Record<string, unknown>;
  };
}

export interface DemoOrgOptions {
  /** Generated people besides the seed identities (default 300). */
  size?: number;
  /** PRNG seed: the same seed gives the same organisation. */
  seed?: number;
}

/** The department with more than 120 direct members (seed 004's example department). */
export const BIG_DEPARTMENT_KEY = "platform";

const SURNAMES = [
  ["王", "wang"],
  ["李", "li"],
  ["张", "zhang"],
  ["刘", "liu"],
  ["陈", "chen"],
  ["杨", "yang"],
  ["黄", "huang"],
  ["赵", "zhao"],
  ["吴", "wu"],
  ["周", "zhou"],
  ["徐", "xu"],
  ["孙", "sun"],
  ["马", "ma"],
  ["朱", "zhu"],
  ["胡", "hu"],
  ["郭", "guo"],
  ["林", "lin"],
  ["欧阳", "ouyang"],
] as const;
const GIVEN = [
  ["伟", "wei"],
  ["芳", "fang"],
  ["娜", "na"],
  ["敏", "min"],
  ["静", "jing"],
  ["丽", "li"],
  ["强", "qiang"],
  ["磊", "lei"],
  ["军", "jun"],
  ["洋", "yang"],
  ["艳", "yan"],
  ["杰", "jie"],
  ["涛", "tao"],
  ["明", "ming"],
  ["超", "chao"],
  ["霞", "xia"],
  ["婷", "ting"],
  ["晓东", "xiaodong"],
] as const;
const LATIN = [
  ["Emma", "Müller"],
  ["Lukas", "Meier"],
  ["Olivia", "Smith"],
  ["José", "García"],
  ["Zoë", "O'Brien"],
  ["Noah", "Keller"],
  ["Chloé", "Dubois"],
  ["Priya", "Raman"],
  ["Kenji", "Sato"],
  ["Anna", "Novak"],
] as const;
const TITLES = [
  "工程师",
  "高级工程师",
  "产品经理",
  "设计师",
  "销售经理",
  "HRBP",
  "Engineer",
  "Analyst",
  "运营专员",
];
const CITIES = [
  ["杭州", "Hangzhou"],
  ["北京", "Beijing"],
  ["上海", "Shanghai"],
  ["深圳", "Shenzhen"],
  ["武汉", "Wuhan"],
] as const;

const HOBBIES = ["旅游", "阅读", "跑步", "摄影", "Chess"];

/**
 * Builds the deterministic demo organisation: the seed identities plus `size` generated people,
 * spread over a department tree five levels deep (root → rd → platform → infra → sre), some in two
 * or three departments, every staffed department with a leader (platform with two), and each
 * generated person's manager the nearest leader above them.
 */
export function buildDemoOrg(options: DemoOrgOptions = {}): DemoOrg {
  const size = options.size ?? 300;
  const rng = createRng(options.seed ?? 20_260_101);
  const departments: Department[] = [...SEED_DEPARTMENTS, ...DEMO_DEPARTMENTS].map((d) => structuredClone(d));
  const people: Person[] = SEED_PEOPLE.map((p) => structuredClone(p));
  const usedMobiles = new Set(
    people.flatMap((p) => (p.mobile ? [`${p.mobile.countryCode}${p.mobile.national}`] : [])),
  );
  const usedIds = new Set(people.map((p) => p.userId));
  const generalDepts = departments
    .filter((d) => d.parentKey !== null && d.key !== "board" && d.key !== BIG_DEPARTMENT_KEY)
    .map((d) => d.key);
  // More than 120 direct members in platform (seed 004's example department), resigned or not.
  const bigDirect = Math.max(135, Math.round(size * 0.45));

  for (let i = 0; i < size; i += 1) {
    const latin = rng() < 0.2;
    const [sur, surPy] = pick(rng, SURNAMES);
    const [given, givenPy] = pick(rng, GIVEN);
    const [first, last] = pick(rng, LATIN);
    const name = latin ? `${first} ${last}` : `${sur}${given}`;
    const slug = latin
      ? `${first}.${last}`
          .normalize("NFD")
          .replace(/[^A-Za-z.]/g, "")
          .toLowerCase()
      : `${surPy}${givenPy}`;
    let userId =
      rng() < 0.5
        ? `0${Math.floor(rng() * 1e15)
            .toString()
            .padStart(15, "0")}`
        : `${slug}${i}`;
    while (usedIds.has(userId)) userId = `${userId}x`;
    usedIds.add(userId);

    const deptKey = i < bigDirect ? BIG_DEPARTMENT_KEY : i % 37 === 0 ? "board" : pick(rng, generalDepts);
    const memberships: Membership[] = [{ deptKey, order: i + 1, leader: false, primary: true }];
    // About one in ten is also in a second department, one in thirty in a third.
    const extra = rng() < 0.1 ? (rng() < 0.3 ? 2 : 1) : 0;
    for (let n = 0; n < extra; n += 1) {
      const taken = new Set(memberships.map((m) => m.deptKey));
      const other = pick(
        rng,
        [...generalDepts, BIG_DEPARTMENT_KEY].filter((k) => !taken.has(k)),
      );
      memberships.push({ deptKey: other, order: 1000 * (n + 1) + i, leader: false, primary: false });
    }

    const roll = rng();
    const status: PersonStatus =
      roll < 0.04
        ? "resigned"
        : roll < 0.07
          ? "frozen"
          : roll < 0.11
            ? "inactive"
            : roll < 0.13
              ? "disabled"
              : "active";
    const region =
      deptKey === "hk" ? "852" : deptKey === "zurich" ? "41" : rng() < 0.04 ? pick(rng, ["852", "41"]) : "86";
    let mobile: Phone | undefined;
    if (rng() >= 0.03) {
      do {
        mobile = {
          countryCode: region,
          national:
            region === "86"
              ? `1${pick(rng, ["3", "5", "7", "8", "9"])}${Math.floor(rng() * 1e9)
                  .toString()
                  .padStart(9, "0")}`
              : region === "852"
                ? `${pick(rng, ["5", "6", "9"])}${Math.floor(rng() * 1e7)
                    .toString()
                    .padStart(7, "0")}`
                : `7${pick(rng, ["6", "7", "8", "9"])}${Math.floor(rng() * 1e7)
                    .toString()
                    .padStart(7, "0")}`,
        };
      } while (usedMobiles.has(`${mobile.countryCode}${mobile.national}`));
      usedMobiles.add(`${mobile.countryCode}${mobile.national}`);
    }
    const [city, cityEn] = pick(rng, CITIES);
    const hiredAt = Date.UTC(2015, 0, 1) + Math.floor(rng() * 3_650) * 86_400_000;
    const nickname = !latin && rng() < 0.25 ? capitalise(givenPy) : undefined;
    const telephone =
      rng() < 0.2
        ? `0571-8${Math.floor(rng() * 1e7)
            .toString()
            .padStart(7, "0")}`
        : undefined;
    const extension = rng() < 0.15 ? { 爱好: pick(rng, HOBBIES) } : undefined;
    people.push({
      key: `gen-${i}`,
      userId,
      dingtalkUnionId: alnum(rng, 27),
      feishuOpenId: `ou_${hex(rng, 32)}`,
      feishuUnionId: `on_${hex(rng, 32)}`,
      eiamUserId: eiamId(rng, hiredAt),
      name,
      enName: latin ? name : `${capitalise(givenPy)} ${capitalise(surPy)}`,
      ...(nickname ? { nickname } : {}),
      gender: rng() < 0.5 ? 1 : 2,
      mobile,
      hideMobile: rng() < 0.08,
      email: `${slug}${i}@example.com`,
      orgEmail: rng() < 0.5 ? `${slug}${i}@acme-demo.cn` : undefined,
      ...(telephone ? { telephone } : {}),
      title: pick(rng, TITLES),
      jobNumber: String(10_000 + i),
      workPlace: deptKey === "hk" ? "Hong Kong" : deptKey === "zurich" ? "Zürich" : city,
      city: deptKey === "hk" ? "Hong Kong" : deptKey === "zurich" ? "Zürich" : latin ? cityEn : city,
      country: deptKey === "hk" ? "HK" : deptKey === "zurich" ? "CH" : "CN",
      memberships,
      status,
      hiredAt,
      admin: false,
      boss: false,
      senior: rng() < 0.02,
      realAuthed: rng() < 0.9,
      ...(extension ? { extension } : {}),
      avatarUrl: rng() < 0.7 ? `https://static.example.com/avatar/${hex(rng, 12)}.png` : undefined,
      identityNumber: `4201${Math.floor(rng() * 1e13)
        .toString()
        .padStart(13, "0")}X`,
      birthday: `${1970 + Math.floor(rng() * 30)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)} 00:00:00.000`,
      lastLoginIp: `10.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}`,
      // A few people are in every directory but WeCom's.
      in: directoriesShowing(status, { dingtalk: true, feishu: true, eiam: true, wecom: rng() >= 0.03 }, i),
    });
  }

  assignLeaders(departments, people);
  assignManagers(departments, people);
  const takenWeCom = new Set<string>();
  for (const p of people) {
    p.wecomUserId = toWeComUserId(p.userId, takenWeCom);
    takenWeCom.add(p.wecomUserId.toLowerCase());
    p.wecomOpenUserId = wecomOpenUserIdFor(p.key);
  }
  return new DemoOrg(departments, people);
}

/**
 * The directories a generated person with `status` is in: only those that show that state as the
 * same DirectoryUser `status`, so that every provider holding a person reads the same status
 * (docs/providers.md, "status"; test/providers/status-vocabulary.test.ts). What each one can show:
 *
 * - `inactive` (invited, not yet activated): DingTalk `active: false`, Feishu `is_activated: false`,
 *   WeCom 4. An IdP account has no such state (EIAM shows it active): not in EIAM.
 * - `disabled` (the account is switched off): WeCom 2, EIAM `disabled`; DingTalk only for enterprise
 *   accounts (`disable_status`), Feishu not at all (its 暂停 is `frozen`): not in DingTalk or Feishu.
 * - `frozen` (suspended, restorable as it was): Feishu `is_frozen` (暂停), EIAM `locked`; DingTalk
 *   cannot say it, and WeCom's way of suspending a member is 禁用, `disabled`. So a frozen person is
 *   either in Feishu and EIAM, or (every second one) in WeCom alone, where they read `disabled`.
 * - `resigned` (has left): Feishu `is_resigned`, WeCom 5; DingTalk deletes a leaver (`user/get`
 *   answers 33012, whatever `in.dingtalk` says); an IdP disables a leaver's account (EIAM
 *   `disabled`). So a leaver is either in Feishu and WeCom, or (every second one) in EIAM alone.
 *
 * Decided without drawing from the PRNG, so the rest of the organisation is the same as before.
 */
function directoriesShowing(status: PersonStatus, all: Person["in"], index: number): Person["in"] {
  const second = index % 2 === 1;
  switch (status) {
    case "active":
      return all;
    case "inactive":
      return { ...all, eiam: false };
    case "disabled":
      return { ...all, dingtalk: false, feishu: false };
    case "frozen":
      return second
        ? { dingtalk: false, feishu: false, eiam: false, wecom: true }
        : { ...all, dingtalk: false, wecom: false };
    case "resigned":
      return second
        ? { dingtalk: all.dingtalk, feishu: false, eiam: true, wecom: false }
        : { ...all, eiam: false };
  }
}

/**
 * Every staffed department without a leader among the seeds gets one: its first generated member
 * by order who is active and in every directory (platform, the big one, two). The seed people keep
 * exactly the memberships the seed documents show. Root has no direct members, hence no leader.
 */
function assignLeaders(departments: Department[], people: Person[]): void {
  const everywhere = (p: Person) => p.in.dingtalk && p.in.feishu && p.in.eiam && p.in.wecom !== false;
  for (const d of departments) {
    d.leaderKeys ??= [];
    if (d.leaderKeys.length > 0) continue;
    const wanted = d.key === BIG_DEPARTMENT_KEY ? 2 : 1;
    const candidates = people
      .filter((p) => p.key.startsWith("gen-") && p.status === "active" && everywhere(p))
      .filter((p) => p.memberships.some((m) => m.deptKey === d.key))
      .sort((a, b) => orderOf(a, d.key) - orderOf(b, d.key));
    for (const leader of candidates.slice(0, wanted)) {
      for (const m of leader.memberships) if (m.deptKey === d.key) m.leader = true;
      d.leaderKeys.push(leader.key);
    }
  }
}

/**
 * A generated person's manager: the first leader of their primary department, or, for its leaders
 * and in a department without one, the first leader of the nearest department above; at the top,
 * the boss (zhangsan in the seeds).
 */
function assignManagers(departments: Department[], people: Person[]): void {
  const byKey = new Map(departments.map((d) => [d.key, d]));
  const boss = people.find((p) => p.boss);
  for (const p of people) {
    if (!p.key.startsWith("gen-")) continue;
    if (boss && boss.key !== p.key) p.managerKey = boss.key;
    const primary = p.memberships.find((m) => m.primary) ?? p.memberships[0];
    for (let d = primary ? byKey.get(primary.deptKey) : undefined; d; ) {
      const leaders = d.leaderKeys ?? [];
      const leader = leaders.includes(p.key) ? undefined : leaders[0];
      if (leader) {
        p.managerKey = leader;
        break;
      }
      d = d.parentKey === null ? undefined : byKey.get(d.parentKey);
    }
  }
}

function orderOf(p: Person, deptKey: string): number {
  return p.memberships.find((m) => m.deptKey === deptKey)?.order ?? Number.MAX_SAFE_INTEGER;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** EIAM ids look like `20220825141325371-4D03-81EF80243`: a timestamp and two hex groups. */
function eiamId(rng: () => number, at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 17);
  return `${stamp}-${hex(rng, 4).toUpperCase()}-${hex(rng, 9).toUpperCase()}`;
}

/** `+CC national`, the E.164 form without the plus sign. */
export function phoneKey(phone: Phone): string {
  return `${phone.countryCode}${phone.national}`;
}

/** Direct members of a department (people whose memberships include it). */
export function directMembers(org: DemoOrg, deptKey: string): Person[] {
  return org.membersOf(deptKey);
}

/** Whether WeCom's directory holds the person (`in.wecom` absent = yes). */
export function inWeCom(p: Person): boolean {
  return p.in.wecom !== false;
}
