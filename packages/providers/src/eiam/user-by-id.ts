import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import { requireIdType } from "../unsupported.ts";
import type { EiamConnection } from "./connection.ts";
import type { EiamEndpoint } from "./transport.ts";
import { EiamUserSchema, eiamUserToDirectoryUser } from "./user.ts";

/** `GET /api/v2/tenant/users/{user_id}`. */
export const userById: Implementation<"userById", EiamConnection, EiamEndpoint> = {
  upstream: "api/v2/tenant/users/{user_id} (userId)",
  async run({ api, connection, config }, input, options) {
    requireIdType("EIAM", "look users up", input.idType, ["userId"]);
    const body = await api.call("user.get", { params: { user_id: input.userId } }, options);
    return eiamUserToDirectoryUser(readUpstream(EiamUserSchema, body, "eiam.user.get"), body, {
      connection,
      includeRaw: input.include === "raw",
      expose: config.expose,
    });
  },
};
