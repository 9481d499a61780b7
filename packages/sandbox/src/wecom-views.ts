import { type DemoOrg, type Department, inWeCom, type Person, type Phone } from "./org.ts";
import { derivedHex } from "./org-ids.ts";

/**
 * How WeCom shows the demo organisation to one app: which departments and members it may see,
 * and the `user/get` / `department/get` payloads (developer.work.weixin.qq.com 读取成员
 * path/90196 (代开发 copy 96255), 获取单个部门详情 95351/95407, 获取子部门ID列表 95350/95406).
 */

/** 自建应用 (self-built), 通讯录同步 (the contact-sync secret) or 代开发 (built by a provider for the corp). */
export type WeComAppKind = "self-built" | "contact-sync" | "customized";

export interface WeComApp {
  /** Names the app in tokens and counters: its agent id, or `contacts` for the contact-sync secret. */
  name: string;
  /** The app's `corpsecret`. */
  secret: string;
  kind: WeComAppKind;
  agentId?: number;
  /**
   * When the app was created (ISO 8601). Self-built and 代开发 apps created from 2022-06-20 20:00
   * (UTC+8) no longer receive avatar, gender, mobile, email, biz_mail, qr_code or address (96255).
   */
  createdAt: string;
  /** Department keys whose subtrees the app may see (可见范围); absent or null = the whole organisation. */
  visibleDepartmentKeys?: string[] | null;
  /** 企业可信IP: addresses the app may call from; absent or null = no check. */
  trustedIps?: string[] | null;
}

/** 2022-06-20 20:00 in UTC+8: apps created from then on get no sensitive member fields. */
const SENSITIVE_CUTOFF = Date.parse("2022-06-20T20:00:00+08:00");

/** Whether the app is refused the sensitive fields (the contact-sync secret never is). */
export function withholdsSensitive(app: WeComApp): boolean {
  return app.kind !== "contact-sync" && Date.parse(app.createdAt) >= SENSITIVE_CUTOFF;
}

/** WeCom's department id: `wecomId`, else the DingTalk number (root = 1 in both). */
export function weComDeptId(d: Department): number {
  return d.wecomId ?? d.dingtalkId;
}

/** WeCom's userid of a person (set by the org; the userId as a fallback). */
export function weComUserId(p: Person): string {
  return p.wecomUserId ?? p.userId;
}

/**
 * Member status: 1 = 已激活 active, 2 = 已禁用 disabled, 4 = 未激活 not activated, 5 = 退出企业 left
 * (读取成员 90196 `status`; also apifox.com/apidoc/shared-19699d3b…/api-25110427, "企微激活状态:
 * 1=已激活,2=已禁用,4=未激活,5=退出企业"). A frozen account is a disabled one in WeCom.
 */
export function weComStatus(p: Person): 1 | 2 | 4 | 5 {
  switch (p.status) {
    case "active":
      return 1;
    case "disabled":
    case "frozen":
      return 2;
    case "inactive":
      return 4;
    case "resigned":
      return 5;
  }
}

/** Mainland numbers as 11 digits, others as `+852 51234567` (创建成员 90195 shows `+86 13800000000`). */
export function weComMobile(phone: Phone): string {
  return phone.countryCode === "86" ? phone.national : `+${phone.countryCode} ${phone.national}`;
}

/**
 * The digits with country code (the org's `phoneKey`) of a mobile as getuserid takes it: 11 mainland
 * digits, or `+` and the country code, with optional spaces or dashes. Undefined when unparseable.
 */
export function weComMobileKey(mobile: string): string | undefined {
  const compact = mobile.trim();
  if (/^1\d{10}$/.test(compact)) return `86${compact}`;
  if (!/^\+\d[\d -]{5,30}$/.test(compact)) return undefined;
  return compact.replace(/[^\d]/g, "");
}

/** What one app may see of the organisation, resolved at request time. */
export class WeComScope {
  private readonly visible: Set<string> | null;

  constructor(
    private readonly org: DemoOrg,
    readonly app: WeComApp,
  ) {
    const keys = app.kind === "contact-sync" ? null : (app.visibleDepartmentKeys ?? null);
    this.visible = keys ? new Set(keys.flatMap((k) => org.subtreeOf(k).map((d) => d.key))) : null;
  }

  seesDepartment(key: string): boolean {
    return this.visible === null ? this.org.departmentByKey.has(key) : this.visible.has(key);
  }

  seesPerson(p: Person): boolean {
    return inWeCom(p) && p.memberships.some((m) => this.seesDepartment(m.deptKey));
  }

  /** The visible departments, parents first, siblings by WeCom order (larger first, then id). */
  departments(fromKey?: string): Department[] {
    const out: Department[] = [];
    const visit = (d: Department) => {
      if (this.seesDepartment(d.key)) out.push(d);
      for (const child of sortSiblings(this.org.childrenOf(d.key))) visit(child);
    };
    const start = fromKey ?? this.org.departments.find((d) => d.parentKey === null)?.key;
    const root = start ? this.org.departmentByKey.get(start) : undefined;
    if (root) visit(root);
    return out;
  }

  /** The person's memberships in departments this app may see. */
  memberships(p: Person) {
    return p.memberships.filter((m) => this.seesDepartment(m.deptKey));
  }

  /** `user/get`: the full member, less what this app may not receive. */
  userView(p: Person): Record<string, unknown> {
    const memberships = this.memberships(p);
    const deptId = (key: string) => {
      const d = this.org.departmentByKey.get(key);
      return d ? weComDeptId(d) : 0;
    };
    const manager = p.managerKey ? this.org.personByKey.get(p.managerKey) : undefined;
    const primary = p.memberships.find((m) => m.primary) ?? p.memberships[0];
    const withheld = withholdsSensitive(this.app);
    const avatar = p.avatarUrl ?? "";
    const view: Record<string, unknown> = {
      userid: weComUserId(p),
      name: p.name,
      department: memberships.map((m) => deptId(m.deptKey)),
      order: memberships.map((m) => m.order),
      position: p.title ?? "",
    };
    if (!withheld) view["mobile"] = p.mobile ? weComMobile(p.mobile) : "";
    // "不再返回…性别": the field stays, undefined (0), as PROTOCOLS §7.4 records.
    view["gender"] = withheld ? "0" : String(p.gender);
    if (!withheld) {
      view["email"] = p.email ?? "";
      view["biz_mail"] = p.orgEmail ?? "";
    }
    view["is_leader_in_dept"] = memberships.map((m) => (m.leader ? 1 : 0));
    view["direct_leader"] = manager && inWeCom(manager) ? [weComUserId(manager)] : [];
    if (!withheld) {
      view["avatar"] = avatar;
      view["thumb_avatar"] = avatar.endsWith("/0") ? `${avatar.slice(0, -2)}/100` : avatar;
    }
    view["telephone"] = p.telephone ?? "";
    view["alias"] = p.nickname ?? "";
    if (!withheld) view["address"] = p.workPlace ?? "";
    // "open_userid … 仅第三方应用可获取" (90196): of the apps a corp secret opens, only 代开发 ones get it.
    if (this.app.kind === "customized" && p.wecomOpenUserId) view["open_userid"] = p.wecomOpenUserId;
    // "主部门": only when the app may see it.
    if (primary && this.seesDepartment(primary.deptKey)) view["main_department"] = deptId(primary.deptKey);
    view["extattr"] = {
      attrs: Object.entries(p.extension ?? {}).map(([name, value]) => ({ type: 0, name, text: { value } })),
    };
    view["status"] = weComStatus(p);
    if (!withheld) {
      view["qr_code"] =
        `https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=${derivedHex("wecom-qr", p.key, 16)}`;
    }
    if (p.enName) view["english_name"] = p.enName;
    view["external_position"] = "";
    view["external_profile"] = { external_corp_name: this.corpName(), external_attr: [] };
    return view;
  }

  /** `department/get`: leaders only as far as the app may see them. */
  departmentView(d: Department): Record<string, unknown> {
    const parent = d.parentKey === null ? undefined : this.org.departmentByKey.get(d.parentKey);
    const leaders = (d.leaderKeys ?? [])
      .map((k) => this.org.personByKey.get(k))
      .filter((p): p is Person => p !== undefined && this.seesPerson(p))
      .map(weComUserId);
    return {
      id: weComDeptId(d),
      name: d.name,
      name_en: d.enName,
      department_leader: leaders,
      parentid: parent ? weComDeptId(parent) : 0,
      order: d.order ?? 0,
    };
  }

  private corpName(): string {
    return this.org.departments.find((d) => d.parentKey === null)?.name ?? "";
  }
}

/** WeCom lists larger `order` first ("order值大的排序靠前"), then by id. */
export function sortSiblings(departments: Department[]): Department[] {
  return [...departments].sort((a, b) => (b.order ?? 0) - (a.order ?? 0) || weComDeptId(a) - weComDeptId(b));
}
