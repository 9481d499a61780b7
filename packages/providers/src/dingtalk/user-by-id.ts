import { DirgateError } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import { requireIdType } from "../unsupported.ts";
import type { DingTalkConnection } from "./connection.ts";
import { DingTalkLegacyUserSchema, dingTalkLegacyUserToDirectoryUser } from "./legacy-user.ts";
import type { DingTalkEndpoint } from "./transport.ts";
import { DingTalkUserSchema, dingTalkUserToDirectoryUser } from "./user.ts";

const ResultSchema = z.object({ result: z.record(z.string(), z.unknown()) });

/**
 * `POST /topapi/v2/user/get` (seed 001): by userid, or by login_id for DingTalk-built enterprise
 * accounts. Connections with `userApi: "legacy"` use the 1.0 `GET /user/get?userid&lang` (seed 003).
 */
export const userById: Implementation<"userById", DingTalkConnection, DingTalkEndpoint> = {
  upstream: "topapi/v2/user/get (userId, loginId); legacy 1.0 user/get with userApi: legacy (userId)",
  async run({ api, connection, config }, input, options) {
    const map = { connection, includeRaw: input.include === "raw", expose: config.expose };
    if (config.userApi === "legacy") {
      if (input.idType !== "userId") {
        throw new DirgateError(
          "UNSUPPORTED_OPERATION",
          "the DingTalk 1.0 user API looks users up by userId only",
        );
      }
      const body = await api.call(
        "legacy.user.get",
        { query: { userid: input.userId, lang: input.language ?? "zh_CN" } },
        options,
      );
      const user = readUpstream(DingTalkLegacyUserSchema, body, "dingtalk.legacy.user.get");
      return dingTalkLegacyUserToDirectoryUser(user, body, map);
    }
    requireIdType("DingTalk", "look users up", input.idType, ["userId", "loginId"]);
    const body = await api.call(
      "user.get",
      {
        body: {
          ...(input.idType === "loginId" ? { login_id: input.userId } : { userid: input.userId }),
          language: input.language ?? "zh_CN",
        },
      },
      options,
    );
    const { result } = readUpstream(ResultSchema, body, "dingtalk.user.get");
    return dingTalkUserToDirectoryUser(
      readUpstream(DingTalkUserSchema, result, "dingtalk.user.get"),
      result,
      map,
    );
  },
};
