import {
  type CallOptions,
  type DirectoryUser,
  DirgateError,
  parseMobile,
  toDashedMobile,
  type UserByMobileInput,
  type UserRef,
} from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { DingTalkApi } from "./api.ts";

/** `POST /topapi/v2/user/getbymobile` (seed 000): the userid, and enterprise accounts sharing the number. */
const ResultSchema = z.object({
  result: z.object({
    userid: z.string().optional(),
    exclusive_account_userid_list: z.array(z.string()).optional(),
  }),
});

/**
 * Finds a user by mobile, then (unless `idsOnly`) loads the profile with `userById`.
 * DingTalk takes mainland numbers as 11 digits and others as `+852-51234567`.
 */
export async function getUserByMobile(
  api: DingTalkApi,
  input: UserByMobileInput,
  loadProfile: (userId: string) => Promise<DirectoryUser>,
  options?: CallOptions,
): Promise<DirectoryUser | UserRef> {
  const wire = toDashedMobile(parseMobile(input.mobile));
  const body = await api.call(
    "dingtalk.getbymobile",
    "POST",
    "/topapi/v2/user/getbymobile",
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
      connection: api.connection,
      id,
      ...(exclusive ? { exclusiveAccountUserIds: exclusive } : {}),
    };
  }
  const user = await loadProfile(id);
  return exclusive ? { ...user, exclusiveAccountUserIds: exclusive } : user;
}
