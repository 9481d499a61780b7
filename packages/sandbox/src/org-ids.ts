import { createHash } from "node:crypto";

/**
 * Identifiers the demo organisation derives from a stable key (a person's or department's `key`),
 * so that records added at run time get ids shaped like the providers' own, and the same key
 * always gets the same ids (independent of the PRNG seed).
 */

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Bytes derived from a namespace and a key. */
function digest(namespace: string, key: string): Buffer {
  return createHash("sha256").update(`${namespace}\u0000${key}`).digest();
}

/** Lower-case hex of the given length derived from a namespace and key. */
export function derivedHex(namespace: string, key: string, length: number): string {
  let out = "";
  for (let round = 0; out.length < length; round += 1) {
    out += digest(`${namespace}#${round}`, key).toString("hex");
  }
  return out.slice(0, length);
}

/** Letters and digits of the given length derived from a namespace and key. */
export function derivedAlnum(namespace: string, key: string, length: number): string {
  let out = "";
  for (let round = 0; out.length < length; round += 1) {
    for (const byte of digest(`${namespace}#${round}`, key)) out += BASE62[byte % BASE62.length];
  }
  return out.slice(0, length);
}

/**
 * WeCom userid rule: 1–64 bytes of letters, digits and `_-@.`, the first a letter or digit;
 * unique per corp ignoring case. (创建成员 developer.work.weixin.qq.com/document/path/90195:
 * "只能由数字、字母和“_-@.”四种字符组成，且第一个字符必须是数字或字母。系统进行唯一性检查时会忽略大小写。")
 */
export const WECOM_USERID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

/**
 * The WeCom userid for a tenant-wide user id: the id itself where it fits WeCom's rule and is not
 * taken (case-insensitively), else one derived from it. `taken` holds lower-cased ids in use.
 */
export function toWeComUserId(userId: string, taken: ReadonlySet<string>): string {
  if (WECOM_USERID_PATTERN.test(userId) && !taken.has(userId.toLowerCase())) return userId;
  let base = userId
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_.@-]/g, "")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 56);
  if (base === "") base = `wx${derivedHex("wecom-userid", userId, 12)}`;
  let candidate = base;
  for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) candidate = `${base}-${n}`;
  return candidate;
}

/**
 * A WeCom `open_userid`: "全局唯一…最多64个字节" (读取成员 90196); real ones look like
 * `woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA` (`wo` + 30 characters).
 */
export function wecomOpenUserIdFor(key: string): string {
  return `wo${derivedAlnum("wecom-open-userid", key, 30)}`;
}

/** Feishu open department id: `od-` + 32 hex. */
export function feishuDepartmentOpenIdFor(key: string): string {
  return `od-${derivedHex("feishu-od", key, 32)}`;
}

/** EIAM organisation id: a 17-digit timestamp and two upper-case hex groups. */
export function eiamOrgIdFor(key: string, at = Date.UTC(2023, 0, 1)): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 17);
  const hex = derivedHex("eiam-org", key, 13).toUpperCase();
  return `${stamp}-${hex.slice(0, 4)}-${hex.slice(4)}`;
}
