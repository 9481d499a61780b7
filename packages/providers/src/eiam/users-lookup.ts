import { lookupEach } from "../lookup.ts";
import type { Implementation } from "../provider.ts";
import type { EiamConnection } from "./connection.ts";
import type { EiamEndpoint } from "./transport.ts";

/** EIAM has no batch lookup: one call per item (user-by-mobile, user-by-email, users/{id}), a few at a time. */
export const usersLookup: Implementation<"usersLookup", EiamConnection, EiamEndpoint> = {
  upstream: "one call per item (user-by-mobile, user-by-email or users/{user_id})",
  run: (ctx, input, options) => lookupEach(ctx.run, input, options),
};
