import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import type { EiamConnection } from "./connection.ts";
import type { EiamEndpoint } from "./transport.ts";
import { EiamUserSchema, eiamUserToDirectoryUser } from "./user.ts";

/**
 * `POST /api/v2/tenant/users/user-by-email`, body `{email}` (open.bccastle.com/en/development/eiam/
 * api/user/user-email.html): one call gives the whole profile, as by mobile; unknown → `USER.0001`.
 */
export const userByEmail: Implementation<"userByEmail", EiamConnection, EiamEndpoint> = {
  upstream: "api/v2/tenant/users/user-by-email (one call)",
  async run({ api, connection, config }, input, options) {
    const body = await api.call("user-by-email", { body: { email: input.email } }, options);
    const user = readUpstream(EiamUserSchema, body, "eiam.user-by-email");
    if (input.idsOnly) return { provider: "eiam", connection, id: user.user_id };
    return eiamUserToDirectoryUser(user, body, {
      connection,
      includeRaw: input.include === "raw",
      expose: config.expose,
    });
  },
};
