import { type CallOptions, type DirectoryUser, DirgateError, type UserByIdInput } from "@dirgate/core";
import { readUpstream } from "../coerce.ts";
import type { EiamApi } from "./api.ts";
import { EiamUserSchema, eiamUserToDirectoryUser } from "./user.ts";

/** `GET /api/v2/tenant/users/{user_id}`. */
export async function getUserById(
  api: EiamApi,
  input: UserByIdInput,
  options?: CallOptions,
): Promise<DirectoryUser> {
  if ((input.idType ?? "userId") !== "userId") {
    throw new DirgateError("UNSUPPORTED_OPERATION", "eiam connections look users up by userId only");
  }
  const body = await api.call(
    "eiam.user.get",
    "GET",
    `/api/v2/tenant/users/${encodeURIComponent(input.userId)}`,
    {},
    options,
  );
  return eiamUserToDirectoryUser(readUpstream(EiamUserSchema, body, "eiam.user.get"), body, {
    connection: api.connection,
    includeRaw: input.includeRaw ?? false,
    expose: api.config.expose,
  });
}
