import { type CallOptions, type DirectoryUser, DirgateError, type UserByIdInput } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { FeishuApi } from "./api.ts";
import { FEISHU_ID_FIELDS, FeishuUserSchema, feishuUserToDirectoryUser } from "./user.ts";

/** `GET /open-apis/contact/v3/users/:user_id?user_id_type=…`. */
const DataSchema = z.object({ data: z.object({ user: z.record(z.string(), z.unknown()) }) });

export async function getUserById(
  api: FeishuApi,
  input: UserByIdInput,
  options?: CallOptions,
): Promise<DirectoryUser> {
  const idType = input.idType ?? "userId";
  if (idType === "loginId")
    throw new DirgateError("UNSUPPORTED_OPERATION", "feishu connections have no loginId");
  const body = await api.call(
    "feishu.user.get",
    "GET",
    `/open-apis/contact/v3/users/${encodeURIComponent(input.userId)}`,
    {
      query: { user_id_type: FEISHU_ID_FIELDS[idType], department_id_type: "open_department_id" },
      codes: { 41050: "USER_NOT_FOUND" },
    },
    options,
  );
  const { data } = readUpstream(DataSchema, body, "feishu.user.get");
  return feishuUserToDirectoryUser(readUpstream(FeishuUserSchema, data.user, "feishu.user.get"), data.user, {
    connection: api.connection,
    includeRaw: input.includeRaw ?? false,
    expose: api.config.expose,
    idType,
  });
}
