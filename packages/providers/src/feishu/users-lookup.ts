import { type CallOptions, DirgateError, type LookupResult, parseMobile, toProblem } from "@dirgate/core";
import pLimit from "p-limit";
import { lookupOne, settle, throwIfConnectionUnusable } from "../lookup.ts";
import type { Implementation } from "../provider.ts";
import { BATCH_GET_ID_MAX, batchGetIds, emailKey, mobileKey, noSuchUser } from "./batch-get-id.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";
import type { FEISHU_ID_FIELDS } from "./user.ts";
import { USERS_BATCH_MAX, usersBatch } from "./users-batch.ts";

/** A users/batch answer that refuses the call as a whole for what may be one id's sake. */
const isChunkRefusal = (error: unknown) =>
  error instanceof DirgateError &&
  (error.code === "INVALID_REQUEST" || error.code === "PROVIDER_PERMISSION_DENIED");

/** Upstream calls of one lookup in flight at once (the connection's rate limiter paces them). */
const CONCURRENCY = 8;

/**
 * Feishu resolves mobiles and emails natively in batches: each distinct one is asked once, up to 50
 * mobiles and 50 emails per `batch_get_id` call; then the users found and the id items are read in
 * batches too, each distinct id once, up to 50 of one id type per `users/batch` call (none with
 * `idsOnly`, but for id items). Answers in input order, one failure never failing the others (a failed
 * call is the answer of every item it carried); credentials refused fail the whole request.
 */
export const usersLookup: Implementation<"usersLookup", FeishuConnection, FeishuEndpoint> = {
  upstream:
    "contact/v3/users/batch_get_id (≤ 50 mobiles and ≤ 50 emails a call), then users/batch (≤ 50 ids a call) for the users found and the id items",
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

    // Each id is read once, however many items named it: ≤ 50 of one id type per users/batch call.
    const wanted: Record<keyof typeof FEISHU_ID_FIELDS, Map<string, number[]>> = {
      userId: new Map(),
      openId: new Map(),
      unionId: new Map(),
    };
    const want = (idType: keyof typeof FEISHU_ID_FIELDS, id: string, i: number) =>
      wanted[idType].set(id, [...(wanted[idType].get(id) ?? []), i]);
    const pending: Promise<void>[] = [];
    for (const [key, indexes] of askers) {
      const id = found.get(key);
      for (const i of indexes) {
        if (results[i]) continue;
        if (id === undefined) fail(i, noSuchUser());
        else if (input.idsOnly)
          results[i] = { ok: true, user: { provider: "feishu", connection: ctx.connection, id } };
        else want("userId", id, i);
      }
    }
    for (const i of byId) {
      const item = input.items[i]!;
      // An id item is always read with its profile (idsOnly would leave nothing to check); loginId
      // is userById's to refuse.
      if ("userId" in item && item.idType !== "loginId") want(item.idType, item.userId, i);
      else
        pending.push(
          settle(lookupOne(ctx.run, item, input, options), options, failures).then((r) => {
            results[i] = r;
          }),
        );
    }
    for (const idType of ["userId", "openId", "unionId"] as const) {
      const askedBy = wanted[idType];
      const ids = [...askedBy.keys()];
      for (let k = 0; k < ids.length; k += USERS_BATCH_MAX) {
        const chunk = ids.slice(k, k + USERS_BATCH_MAX);
        // One id on its own (users/:id): what userById answers is that id's items' answer.
        const single = (id: string) =>
          settle(
            limit(() => lookupOne(ctx.run, { userId: id, idType }, input, options)),
            options,
            failures,
          ).then((result) => {
            for (const i of askedBy.get(id)!) results[i] = result;
          });
        const read = limit(() => usersBatch(ctx, chunk, { idType, include: input.include }, options)).then(
          async ({ found: users, unmatched }) => {
            const unanswered: string[] = [];
            for (const id of chunk) {
              const user = users.get(id);
              if (user === undefined && unmatched > 0) unanswered.push(id);
              else
                for (const i of askedBy.get(id)!) {
                  if (user === undefined) fail(i, noSuchUser());
                  else if (user.ok) results[i] = { ok: true, user: user.user };
                  else fail(i, user.error);
                }
            }
            // Entries without the asked id type: the ids they leave unanswered are read one by one.
            await Promise.all(unanswered.map(single));
          },
          async (error: unknown) => {
            // Feishu documents 40001 and 41050 for the whole call without saying for which id: one
            // malformed or out-of-scope id must not fail the other 49, so they are read one by one.
            if (chunk.length > 1 && isChunkRefusal(error)) {
              await Promise.all(chunk.map(single));
              return;
            }
            // Any other failed call is the answer of every item it carried (retryable stays retryable).
            for (const id of chunk) for (const i of askedBy.get(id)!) fail(i, error);
          },
        );
        pending.push(read);
      }
    }
    await Promise.all(pending);
    throwIfConnectionUnusable(results, failures);
    return { items: results };
  },
};
