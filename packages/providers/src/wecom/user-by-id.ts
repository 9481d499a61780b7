import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import { requireIdType } from "../unsupported.ts";
import type { WeComConnection } from "./connection.ts";
import type { WeComEndpoint } from "./transport.ts";
import { WeComUserSchema, weComUserToDirectoryUser } from "./user.ts";

/**
 * `GET /cgi-bin/user/get?userid` (读取成员 90196 / 96255). WeCom looks members up by userid only
 * (case-insensitively; the stored case comes back); open_userid → userid is another API.
 */
export const userById: Implementation<"userById", WeComConnection, WeComEndpoint> = {
  upstream: "user/get (userId)",
  async run({ api, connection, config }, input, options) {
    requireIdType("WeCom", "look users up", input.idType, ["userId"]);
    const body = await api.call("user.get", { query: { userid: input.userId } }, options);
    const user = readUpstream(WeComUserSchema, body, "wecom.user.get");
    return weComUserToDirectoryUser(user, body, {
      connection,
      includeRaw: input.include === "raw",
      expose: config.expose,
    });
  },
};
