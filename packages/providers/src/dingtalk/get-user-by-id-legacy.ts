import { type CallOptions, type DirectoryUser, DirgateError, type UserByIdInput } from "@dirgate/core";
import { readUpstream } from "../coerce.ts";
import type { DingTalkApi } from "./api.ts";
import { DingTalkLegacyUserSchema, dingTalkLegacyUserToDirectoryUser } from "./legacy-user.ts";

/** Legacy 1.0 `GET /user/get?userid&lang` (seed 003), for connections with `userApi: "legacy"`. */
export async function getUserByIdLegacy(
  api: DingTalkApi,
  input: UserByIdInput,
  options?: CallOptions,
): Promise<DirectoryUser> {
  if ((input.idType ?? "userId") !== "userId") {
    throw new DirgateError(
      "UNSUPPORTED_OPERATION",
      "the DingTalk 1.0 user API looks users up by userId only",
    );
  }
  const body = await api.call(
    "dingtalk.legacy.user.get",
    "GET",
    "/user/get",
    { query: { userid: input.userId, lang: input.language ?? "zh_CN" } },
    options,
  );
  const user = readUpstream(DingTalkLegacyUserSchema, body, "dingtalk.legacy.user.get");
  return dingTalkLegacyUserToDirectoryUser(user, body, {
    connection: api.connection,
    includeRaw: input.includeRaw ?? false,
    expose: api.config.expose,
  });
}
