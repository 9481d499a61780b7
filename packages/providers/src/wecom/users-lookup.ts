import { lookupEach } from "../lookup.ts";
import type { Implementation } from "../provider.ts";
import type { WeComConnection } from "./connection.ts";
import type { WeComEndpoint } from "./transport.ts";

/** WeCom has no batch lookup: one call per item, a few at a time, under the lookups' error budget. */
export const usersLookup: Implementation<"usersLookup", WeComConnection, WeComEndpoint> = {
  upstream: "one call per item (getuserid or get_userid_by_email, + user/get; or user/get)",
  run: (ctx, input, options) => lookupEach(ctx.run, input, options),
};
