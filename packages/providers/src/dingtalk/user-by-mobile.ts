import { DirgateError, parseMobile, toDashedMobile } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import type { DingTalkConnection } from "./connection.ts";
import type { DingTalkEndpoint } from "./transport.ts";

const ResultSchema = z.object({
  result: z.object({
    userid: z.string().optional(),
    exclusive_account_userid_list: z.array(z.string()).optional(),
  }),
});

/**
 * `POST /topapi/v2/user/getbymobile` (seed 000): the userid, and enterprise accounts sharing the
 * number; then (unless `idsOnly`) the profile by userId. DingTalk takes mainland numbers as 11
 * digits and others as `+852-51234567`.
 */
export const userByMobile: Implementation<"userByMobile", DingTalkConnection, DingTalkEndpoint> = {
  upstream: "topapi/v2/user/getbymobile, then user/get (ids-only mode: one call)",
  async run({ api, connection, run }, input, options) {
    const wire = toDashedMobile(parseMobile(input.mobile));
    const body = await api.call(
      "getbymobile",
      { body: { mobile: wire, support_exclusive_account_search: true } },
      options,
    );
    const { result } = readUpstream(ResultSchema, body, "dingtalk.getbymobile");
    const exclusive = result.exclusive_account_userid_list;
    const id = result.userid ?? exclusive?.[0];
    if (!id) throw new DirgateError("USER_NOT_FOUND", "no such user");
    if (input.idsOnly) {
      return {
        provider: "dingtalk",
        connection,
        id,
        ...(exclusive ? { exclusiveAccountUserIds: exclusive } : {}),
      };
    }
    const user = await run(
      "userById",
      { userId: id, idType: "userId", language: input.language, include: input.include },
      options,
    );
    return exclusive ? { ...user, exclusiveAccountUserIds: exclusive } : user;
  },
};
