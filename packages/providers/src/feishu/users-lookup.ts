import {
  type CallOptions,
  type LookupResult,
  type OperationOutput,
  parseMobile,
  toProblem,
} from "@dirgate/core";
import pLimit from "p-limit";
import { lookupOne, settle, throwIfConnectionUnusable } from "../lookup.ts";
import type { Implementation } from "../provider.ts";
import { answerFor, BATCH_GET_ID_MAX, batchGetIds, emailKey, mobileKey, noSuchUser } from "./batch-get-id.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";

/** Upstream calls of one lookup in flight at once (the connection's rate limiter paces them). */
const CONCURRENCY = 8;

/**
 * Feishu resolves mobiles and emails natively in batches: each distinct one is asked once, up to 50
 * mobiles and 50 emails per `batch_get_id` call, then each user found is read once (`users/:user_id`,
 * none with `idsOnly`); id items are read by id. Answers in input order, one failure never failing
 * the others; credentials refused fail the whole request.
 */
export const usersLookup: Implementation<"usersLookup", FeishuConnection, FeishuEndpoint> = {
  upstream:
    "contact/v3/users/batch_get_id (≤ 50 mobiles and ≤ 50 emails a call), then users/:user_id once per user found; id items: users/:id",
  async run(ctx, input, options: CallOptions = {}) {
    const results: LookupResult[] = new Array(input.items.length);
    const failures: unknown[] = [];
    const fail = (i: number, error: unknown) => {
      failures.push(error);
      results[i] = { ok: false, error: toProblem(error, options.requestId ?? "") };
    };
    // Which items ask for each mobile (`m:+86…`) or email (`e:…`): each is sent upstream once.
    const askers = new Map<string, number[]>();
    const mobiles: string[] = [];
    const emails: string[] = [];
    const byId: number[] = [];
    input.items.forEach((item, i) => {
      let key: string;
      if ("mobile" in item) {
        let e164: string;
        try {
          e164 = parseMobile(item.mobile).e164;
        } catch (error) {
          fail(i, error);
          return;
        }
        key = mobileKey(e164);
        if (!askers.has(key)) mobiles.push(e164);
      } else if ("email" in item) {
        key = emailKey(item.email);
        if (!askers.has(key)) emails.push(item.email);
      } else {
        byId.push(i);
        return;
      }
      askers.set(key, [...(askers.get(key) ?? []), i]);
    });

    const limit = pLimit(CONCURRENCY);
    // Mobiles and emails share calls: ≤ 50 of each in every one.
    const calls = Math.ceil(Math.max(mobiles.length, emails.length) / BATCH_GET_ID_MAX);
    const batches = Array.from({ length: calls }, (_, k) => {
      const slice = (list: string[]) => list.slice(k * BATCH_GET_ID_MAX, (k + 1) * BATCH_GET_ID_MAX);
      const query = { mobiles: slice(mobiles), emails: slice(emails) };
      return limit(() => batchGetIds(ctx.api, query, options)).then(
        (found) => ({ query, found }),
        (error: unknown) => ({ query, error }),
      );
    });
    const found = new Map<string, string>();
    for (const batch of await Promise.all(batches)) {
      if ("found" in batch) {
        for (const [key, id] of batch.found) found.set(key, id);
        continue;
      }
      // A failed call is the answer of every item it carried (a retryable one stays retryable).
      const keys = [...batch.query.mobiles.map(mobileKey), ...batch.query.emails.map(emailKey)];
      for (const key of keys) for (const i of askers.get(key) ?? []) fail(i, batch.error);
    }

    // Each user found is read once, however many items named them.
    const profiles = new Map<string, Promise<OperationOutput<"userByMobile">>>();
    const profile = (id: string) => {
      const held = profiles.get(id) ?? limit(() => answerFor(ctx, id, input, options));
      profiles.set(id, held);
      return held;
    };
    const answer = async (i: number, lookup: Promise<OperationOutput<"userByMobile">>) => {
      results[i] = await settle(lookup, options, failures);
    };
    const pending: Promise<void>[] = [];
    for (const [key, indexes] of askers) {
      const id = found.get(key);
      for (const i of indexes) {
        if (results[i]) continue;
        if (id === undefined) fail(i, noSuchUser());
        else pending.push(answer(i, profile(id)));
      }
    }
    for (const i of byId) {
      pending.push(
        answer(
          i,
          limit(() => lookupOne(ctx.run, input.items[i]!, input, options)),
        ),
      );
    }
    await Promise.all(pending);
    throwIfConnectionUnusable(results, failures);
    return { items: results };
  },
};
