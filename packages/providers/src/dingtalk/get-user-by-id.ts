import { type CallOptions, type DirectoryUser, DirgateError, type UserByIdInput } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { DingTalkApi } from "./api.ts";
import { DingTalkUserSchema, dingTalkUserToDirectoryUser } from "./user.ts";

/** `POST /topapi/v2/user/get` (seed 001): by userid, or by login_id for DingTalk-built enterprise accounts. */
const ResultSchema = z.object({ result: z.record(z.string(), z.unknown()) });

export async function getUserById(
  api: DingTalkApi,
  input: UserByIdInput,
  options?: CallOptions,
): Promise<DirectoryUser> {
  const idType = input.idType ?? "userId";
  if (idType !== "userId" && idType !== "loginId") {
    throw new DirgateError(
      "UNSUPPORTED_OPERATION",
      `dingtalk connections look users up by userId or loginId, not ${idType}`,
    );
  }
  const body = await api.call(
    "dingtalk.user.get",
    "POST",
    "/topapi/v2/user/get",
    {
      body: {
        ...(idType === "loginId" ? { login_id: input.userId } : { userid: input.userId }),
        language: input.language ?? "zh_CN",
      },
    },
    options,
  );
  const { result } = readUpstream(ResultSchema, body, "dingtalk.user.get");
  const user = readUpstream(DingTalkUserSchema, result, "dingtalk.user.get");
  return dingTalkUserToDirectoryUser(user, result, {
    connection: api.connection,
    includeRaw: input.includeRaw ?? false,
    expose: api.config.expose,
  });
}
