import type { Department } from "./org.ts";
import { eiamOrgIdFor, feishuDepartmentOpenIdFor } from "./org-ids.ts";

/**
 * The demo tree below the seed departments, so that the organisation has a real shape:
 *
 * ```
 * 示例科技 (1)
 * ├─ 研发部 rd (2)
 * │  ├─ 平台工程部 platform (5) ── 基础设施组 infra (10) ── SRE 组 sre (11)
 * │  │                          │                       └─ 网络组 network (12)
 * │  │                          └─ 数据平台组 data (13)
 * │  └─ 移动端组 mobile (14) ── iOS 组 ios (15), Android 组 android (16)
 * ├─ 产品部 product (3) ── 增长产品组 growth (17)
 * ├─ 设计部 design (4) ── 用户研究组 ux-research (18)
 * ├─ 销售部 sales (6) ── hk (7), zurich (8), 华东大区 east-china (19) ── 上海销售组 shanghai-sales (20)
 * └─ 董事会 board (9)
 * ```
 *
 * Five levels from the root to `sre`. Numeric ids continue DingTalk's (and WeCom's: the same
 * number) after the seeds'; the other providers' ids are derived from the key.
 */
export const DEMO_DEPARTMENTS: Department[] = [
  demoDept("infra", "基础设施组", "Infrastructure", "platform", 10, 10),
  demoDept("sre", "SRE 组", "Site Reliability", "infra", 11, 10),
  demoDept("network", "网络组", "Networking", "infra", 12, 20),
  demoDept("data", "数据平台组", "Data Platform", "platform", 13, 20),
  demoDept("mobile", "移动端组", "Mobile", "rd", 14, 20),
  demoDept("ios", "iOS 组", "iOS", "mobile", 15, 10),
  demoDept("android", "Android 组", "Android", "mobile", 16, 20),
  demoDept("growth", "增长产品组", "Growth", "product", 17, 10),
  demoDept("ux-research", "用户研究组", "UX Research", "design", 18, 10),
  demoDept("east-china", "华东大区", "East China", "sales", 19, 30),
  demoDept("shanghai-sales", "上海销售组", "Shanghai Sales", "east-china", 20, 10),
];

function demoDept(
  key: string,
  name: string,
  enName: string,
  parentKey: string,
  id: number,
  order: number,
): Department {
  return {
    key,
    name,
    enName,
    parentKey,
    dingtalkId: id,
    feishuOpenId: feishuDepartmentOpenIdFor(key),
    feishuId: `D${String(id).padStart(3, "0")}`,
    eiamOrgId: eiamOrgIdFor(key, Date.UTC(2022, 2, id)),
    inFeishuScope: true,
    order,
    leaderKeys: [],
    wecomId: id,
  };
}
