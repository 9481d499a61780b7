import {
  type CallOptions,
  type DirectoryUser,
  parseMobile,
  toDashedMobile,
  type UserByMobileInput,
  type UserRef,
} from "@dirgate/core";
import { readUpstream } from "../coerce.ts";
import type { EiamApi } from "./api.ts";
import { EiamUserSchema, eiamUserToDirectoryUser } from "./user.ts";

/** `POST /api/v2/tenant/users/user-by-mobile` (seed 002): one call gives the whole profile. */
export async function getUserByMobile(
  api: EiamApi,
  input: UserByMobileInput,
  options?: CallOptions,
): Promise<DirectoryUser | UserRef> {
  const wire = toDashedMobile(parseMobile(input.mobile));
  const body = await api.call(
    "eiam.user-by-mobile",
    "POST",
    "/api/v2/tenant/users/user-by-mobile",
    { body: { mobile: wire } },
    options,
  );
  const user = readUpstream(EiamUserSchema, body, "eiam.user-by-mobile");
  if (input.idsOnly) return { provider: "eiam", connection: api.connection, id: user.user_id };
  return eiamUserToDirectoryUser(user, body, {
    connection: api.connection,
    includeRaw: input.includeRaw ?? false,
    expose: api.config.expose,
  });
}
