import { type CallOptions, DirgateError } from "@dirgate/core";
import { LRUCache } from "lru-cache";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { ProviderContext } from "../provider.ts";
import type { WeComConnection } from "./connection.ts";
import { WECOM_TRANSPORT, type WeComEndpoint } from "./transport.ts";

/**
 * The daily error budget of WeCom's two lookups. getuserid (95402) and get_userid_by_email (95895):
 * "若出错的次数超出企业人数上限的20%，会导致1天不可调用" — wrong attempts beyond 20 % of the corp's
 * member cap block the API for the rest of the (China) day. The budget is the corp's, per API, shared
 * by every app and caller; dirgate cannot see the cap or the others' misses, so it counts what it
 * can (this container's misses per corp, API and China day, in warn lines), and stops calling once
 * WeCom has blocked the API.
 *
 * WeCom answers the day block with the same 45009 as a minute ban (90454 lists one code for every
 * ban; the sandbox does the same). A minute ban lasts 60 s, so a 45009 from a lookup first pauses
 * that API for 60 s (retryable); the first call after the pause probes, and a second 45009 then is
 * the day block: not retryable, and no call to that API from this container until China midnight.
 */
export type LookupApi = "getuserid" | "get_userid_by_email";

/** 90454: a minute ban lasts 60 s. */
export const PAUSE_MS = 60_000;
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The one call let through after a pause; the others wait for its answer. */
interface Probe {
  done: Promise<void>;
  release(): void;
}

interface Entry {
  day: string;
  misses: number;
  /** When a 45009 paused the API (undefined: not paused). */
  strikeAt?: number;
  probe?: Probe;
  blocked: boolean;
}

/** The China (UTC+8, no DST) calendar day of an instant. */
export function chinaDay(now: number): string {
  return new Date(now + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Milliseconds from `now` to the next China midnight. */
export function untilChinaMidnight(now: number): number {
  return DAY_MS - ((now + CHINA_OFFSET_MS) % DAY_MS);
}

/** Whether a miss count is worth a warn line: 10, 20, 50, 100, 200, 500, 1 000, … */
export function isWarnThreshold(misses: number): boolean {
  if (misses < 10) return false;
  const scale = 10 ** Math.floor(Math.log10(misses));
  return [1, 2, 5].some((m) => m * scale === misses);
}

/** A call let through (`probe`: the one after a pause, to be released when answered), or a wait for one. */
export type Admission = { probe?: Probe } | { wait: Promise<void> };

/** Per corp, per lookup API, per China day: misses, the 60-s pause and the day block. Bounded. */
export class LookupLedger {
  private readonly entries = new LRUCache<string, Entry>({ max: 1_000 });

  private entry(key: string, now: number): Entry {
    const day = chinaDay(now);
    const held = this.entries.get(key);
    if (held && held.day === day) return held;
    const fresh: Entry = { day, misses: 0, blocked: false };
    this.entries.set(key, fresh);
    return fresh;
  }

  /** Wrong attempts counted today for `key`. */
  misses(key: string, now: number): number {
    return this.entry(key, now).misses;
  }

  /**
   * Lets a call through; or, while the pause runs, throws the local refusal (no upstream call); or,
   * while the probe is out, hands back its answer to wait for; or, once blocked, throws the day's.
   */
  admit(key: string, api: LookupApi, now: number): Admission {
    const e = this.entry(key, now);
    if (e.blocked) throw dayBlocked(api, now);
    if (e.strikeAt === undefined) return {};
    if (e.probe) return { wait: e.probe.done };
    const left = e.strikeAt + PAUSE_MS - now;
    if (left > 0) throw paused(api, left);
    let resolve!: () => void;
    const probe: Probe = {
      done: new Promise<void>((r) => {
        resolve = r;
      }),
      release() {
        if (e.probe === probe) e.probe = undefined;
        resolve();
      },
    };
    e.probe = probe;
    return { probe };
  }

  /** Upstream answered without a ban (a user, 46004, 60011…): the API is not blocked. */
  answered(key: string, now: number): void {
    this.entry(key, now).strikeAt = undefined;
  }

  /** A wrong attempt (46004). Returns the day's count. */
  miss(key: string, now: number): number {
    const e = this.entry(key, now);
    e.strikeAt = undefined;
    e.misses += 1;
    return e.misses;
  }

  /** Upstream answered 45009: pause the API, or — when this was the probe after a pause — block it for the day. */
  refused(key: string, api: LookupApi, admission: Admission, now: number, cause: DirgateError): DirgateError {
    const e = this.entry(key, now);
    if (("probe" in admission && admission.probe) || e.blocked) {
      e.blocked = true;
      return dayBlocked(api, now, cause);
    }
    e.strikeAt ??= now;
    return paused(api, e.strikeAt + PAUSE_MS - now, cause);
  }
}

function dayBlocked(api: LookupApi, now: number, cause?: DirgateError): DirgateError {
  return new DirgateError(
    "UPSTREAM_RATE_LIMITED",
    `wecom.${api}: the corp's daily lookup error budget is spent; lookups resume tomorrow ` +
      `(00:00 China time). WeCom blocks ${api} for the rest of the day once wrong attempts exceed 20 % ` +
      `of the corp's member cap, and dirgate makes no ${api} call from this instance until then.`,
    { retryable: false, retryAfterMs: untilChinaMidnight(now), upstream: cause?.upstream, cause },
  );
}

function paused(api: LookupApi, waitMs: number, cause?: DirgateError): DirgateError {
  return new DirgateError(
    "UPSTREAM_RATE_LIMITED",
    `wecom.${api}: WeCom refused ${api} with 45009 (a rate limit, or the corp's daily lookup error ` +
      `budget spent); dirgate pauses ${api} for 60 s, and if WeCom still refuses it then, until ` +
      "tomorrow (China time).",
    { retryable: true, retryAfterMs: Math.max(1_000, waitMs), upstream: cause?.upstream, cause },
  );
}

/** The container's ledger: the budget is the corp's, so every connection of a corp shares its entry. */
export const weComLookupLedger = new LookupLedger();

/** The ledger key of a connection's corp and lookup API (its host too: the sandbox is another WeCom). */
export function ledgerKey(config: WeComConnection, api: LookupApi): string {
  const base = (config.baseUrl ?? WECOM_TRANSPORT.defaultBaseUrl ?? "").replace(/\/+$/, "");
  return `${base}\n${config.corpId}\n${api}`;
}

const UserIdSchema = z.object({ userid: z.string().min(1) });

/** One getuserid / get_userid_by_email call under the ledger: the userid, or the error it stands for. */
export async function findUserId(
  ctx: ProviderContext<WeComConnection, WeComEndpoint>,
  api: LookupApi,
  body: Record<string, unknown>,
  options?: CallOptions,
): Promise<string> {
  const { log, now } = ctx;
  const key = ledgerKey(ctx.config, api);
  let admission = weComLookupLedger.admit(key, api, now());
  while ("wait" in admission) {
    await admission.wait;
    admission = weComLookupLedger.admit(key, api, now());
  }
  try {
    const answer = await ctx.api.call(api, { body }, options);
    weComLookupLedger.answered(key, now());
    return readUpstream(UserIdSchema, answer, `wecom.${api}`).userid;
  } catch (error) {
    if (!(error instanceof DirgateError)) throw error;
    if (error.upstream?.code === "45009") {
      const refusal = weComLookupLedger.refused(key, api, admission, now(), error);
      log?.warn(refusal.retryable ? "WeCom lookup paused" : "WeCom lookup blocked for the day", {
        connection: ctx.connection,
        corpId: ctx.config.corpId,
        api,
        wecomLookupMissesToday: weComLookupLedger.misses(key, now()),
      });
      throw refusal;
    }
    if (error.code === "USER_NOT_FOUND") {
      const misses = weComLookupLedger.miss(key, now());
      if (isWarnThreshold(misses)) {
        log?.warn("WeCom lookup misses today", {
          connection: ctx.connection,
          corpId: ctx.config.corpId,
          api,
          wecomLookupMissesToday: misses,
          chinaDay: chinaDay(now()),
          note: `WeCom blocks ${api} for the rest of the day once the corp's wrong attempts exceed 20 % of its member cap; this count is one instance's, a lower bound`,
        });
      }
    } else if (error.upstream !== undefined) {
      weComLookupLedger.answered(key, now());
    }
    throw error;
  } finally {
    // Whatever the probe learnt (or not), the callers waiting for it look again.
    if ("probe" in admission) admission.probe?.release();
  }
}
