import { lookupEach } from "../lookup.ts";
import type { Implementation } from "../provider.ts";
import type { DingTalkConnection } from "./connection.ts";
import type { DingTalkEndpoint } from "./transport.ts";

/** DingTalk has no batch lookup: one call per item (getbymobile, user/get), a few at a time. */
export const usersLookup: Implementation<"usersLookup", DingTalkConnection, DingTalkEndpoint> = {
  upstream: "one call per item (getbymobile + user/get, or user/get); emails → 501 per item",
  run: (ctx, input, options) => lookupEach(ctx.run, input, options),
};
