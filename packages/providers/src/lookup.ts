import {
  type CallOptions,
  DirgateError,
  type LookupItem,
  type LookupResult,
  type OperationInput,
  type OperationOutput,
  toProblem,
} from "@dirgate/core";
import type { ProviderClient } from "./provider.ts";

/** Items of one `usersLookup` resolved at once (the connection's rate limiter paces the calls). */
const CONCURRENCY = 8;

/**
 * `usersLookup` for providers without a batch API: one lookup per item (by-mobile, by-email or
 * by-id), a few at a time, each failure kept as that item's problem. Order is the input's. The
 * connection's credentials being refused is the whole request's failure (the connection is unusable,
 * and the caller's secret re-read must see it).
 */
export async function lookupEach(
  run: ProviderClient["run"],
  input: OperationInput<"usersLookup">,
  options: CallOptions = {},
): Promise<OperationOutput<"usersLookup">> {
  const results: LookupResult[] = new Array(input.items.length);
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < input.items.length; i = next++) {
      results[i] = await settle(lookupOne(run, input.items[i]!, input, options), options, failures);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, input.items.length) }, worker));
  throwIfConnectionUnusable(results, failures);
  return { items: results };
}

/** One item's lookup through the connection's own single-item operations. */
export function lookupOne(
  run: ProviderClient["run"],
  item: LookupItem,
  input: OperationInput<"usersLookup">,
  options: CallOptions,
): Promise<OperationOutput<"userByMobile">> {
  const common = { idsOnly: input.idsOnly, language: input.language, include: input.include };
  if ("mobile" in item) return run("userByMobile", { mobile: item.mobile, ...common }, options);
  if ("email" in item) return run("userByEmail", { email: item.email, ...common }, options);
  // An id item is always looked up with its profile: idsOnly would leave nothing to check.
  return run(
    "userById",
    { userId: item.userId, idType: item.idType, language: input.language, include: input.include },
    options,
  );
}

/** A lookup's outcome as an item: the user, or the problem (retryable upstream failures included). */
export async function settle(
  lookup: Promise<OperationOutput<"userByMobile">>,
  options: CallOptions,
  failures: unknown[],
): Promise<LookupResult> {
  try {
    return { ok: true, user: await lookup };
  } catch (error) {
    failures.push(error);
    return { ok: false, error: toProblem(error, options.requestId ?? "") };
  }
}

/** Rethrows a refusal of the connection's own credentials: no item can succeed on this connection. */
export function throwIfConnectionUnusable(_results: LookupResult[], failures: unknown[]): void {
  const refused = failures.find((e) => e instanceof DirgateError && e.code === "UPSTREAM_AUTH_FAILED");
  if (refused) throw refused;
}
