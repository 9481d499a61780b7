import { alnum, createRng, hex, pick } from "./rng.ts";
import { SEED_DEPARTMENTS, SEED_PEOPLE } from "./seed-identities.ts";

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
  order: number;
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
  /** Which providers' directories hold this person. */
  in: { dingtalk: boolean; feishu: boolean; eiam: boolean };
  /** Verbatim fields from a seed example that the derived view does not produce itself. */
  extras?: {
    dingtalk?: Record<string, unknown>;
    feishu?: Record<string, unknown>;
    eiam?: Record<string, unknown>;
  };
}

export interface DemoOrg {
  departments: Department[];
  people: Person[];
  departmentByKey: Map<string, Department>;
  personByKey: Map<string, Person>;
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

/** Builds the deterministic demo organisation: the seed identities plus `size` generated people. */
export function buildDemoOrg(options: DemoOrgOptions = {}): DemoOrg {
  const size = options.size ?? 300;
  const rng = createRng(options.seed ?? 20_260_101);
  const departments = [...SEED_DEPARTMENTS];
  const people: Person[] = SEED_PEOPLE.map((p) => structuredClone(p));
  const usedMobiles = new Set(
    people.flatMap((p) => (p.mobile ? [`${p.mobile.countryCode}${p.mobile.national}`] : [])),
  );
  const usedIds = new Set(people.map((p) => p.userId));
  const generalDepts = departments.filter((d) => d.parentKey !== null && d.key !== "board").map((d) => d.key);
  const bigDirect = Math.max(125, Math.round(size * 0.42));
  const managers = people.filter((p) => p.title?.includes("Director") || p.userId.startsWith("manager"));

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
    const memberships: Membership[] = [{ deptKey, order: i + 1, leader: i % 29 === 0, primary: true }];
    if (rng() < 0.1) {
      const second = pick(
        rng,
        generalDepts.filter((k) => k !== deptKey),
      );
      memberships.push({ deptKey: second, order: 1000 + i, leader: false, primary: false });
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
    people.push({
      key: `gen-${i}`,
      userId,
      dingtalkUnionId: alnum(rng, 27),
      feishuOpenId: `ou_${hex(rng, 32)}`,
      feishuUnionId: `on_${hex(rng, 32)}`,
      eiamUserId: eiamId(rng, hiredAt),
      name,
      enName: latin ? name : `${capitalise(givenPy)} ${capitalise(surPy)}`,
      gender: rng() < 0.5 ? 1 : 2,
      mobile,
      hideMobile: rng() < 0.08,
      email: `${slug}${i}@example.com`,
      orgEmail: rng() < 0.5 ? `${slug}${i}@acme-demo.cn` : undefined,
      title: pick(rng, TITLES),
      jobNumber: String(10_000 + i),
      workPlace: deptKey === "hk" ? "Hong Kong" : deptKey === "zurich" ? "Zürich" : city,
      city: deptKey === "hk" ? "Hong Kong" : deptKey === "zurich" ? "Zürich" : latin ? cityEn : city,
      country: deptKey === "hk" ? "HK" : deptKey === "zurich" ? "CH" : "CN",
      memberships,
      managerKey: managers.length > 0 ? pick(rng, managers).key : undefined,
      status,
      hiredAt,
      admin: false,
      boss: false,
      senior: rng() < 0.02,
      realAuthed: rng() < 0.9,
      avatarUrl: rng() < 0.7 ? `https://static.example.com/avatar/${hex(rng, 12)}.png` : undefined,
      identityNumber: `4201${Math.floor(rng() * 1e13)
        .toString()
        .padStart(13, "0")}X`,
      birthday: `${1970 + Math.floor(rng() * 30)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)} 00:00:00.000`,
      lastLoginIp: `10.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}`,
      in: { dingtalk: true, feishu: true, eiam: true },
    });
  }

  return {
    departments,
    people,
    departmentByKey: new Map(departments.map((d) => [d.key, d])),
    personByKey: new Map(people.map((p) => [p.key, p])),
  };
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
  return org.people.filter((p) => p.memberships.some((m) => m.deptKey === deptKey));
}
