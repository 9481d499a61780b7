import { parseMobile, toDashedMobile } from "@dirgate/core";
import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import type { EiamConnection } from "./connection.ts";
import type { EiamEndpoint } from "./transport.ts";
import { EiamUserSchema, eiamUserToDirectoryUser } from "./user.ts";

/** `POST /api/v2/tenant/users/user-by-mobile` (seed 002): one call gives the whole profile. */
export const userByMobile: Implementation<"userByMobile", EiamConnection, EiamEndpoint> = {
  upstream: "api/v2/tenant/users/user-by-mobile (one call)",
  async run({ api, connection, config }, input, options) {
    const wire = toDashedMobile(parseMobile(input.mobile));
    const body = await api.call("user-by-mobile", { body: { mobile: wire } }, options);
    const user = readUpstream(EiamUserSchema, body, "eiam.user-by-mobile");
    if (input.idsOnly) return { provider: "eiam", connection, id: user.user_id };
    return eiamUserToDirectoryUser(user, body, {
      connection,
      includeRaw: input.include === "raw",
      expose: config.expose,
    });
  },
};
