import { unsupported } from "../authorized.ts";
import type { EiamConnection } from "../connection.ts";
import type { ClientDeps, ProviderClient } from "../types.ts";
import { createEiamApi } from "./api.ts";
import { getUserById } from "./get-user-by-id.ts";
import { getUserByMobile } from "./get-user-by-mobile.ts";

/** The EIAM client (Bamboocloud IDaaS / Huawei OneAccess). Department listing is not offered. */
export function createEiamClient(
  connection: string,
  config: EiamConnection,
  deps: ClientDeps,
): ProviderClient {
  const api = createEiamApi(connection, config, deps);
  return {
    provider: "eiam",
    connection,
    userById: (input, options) => getUserById(api, input, options),
    userByMobile: (input, options) => getUserByMobile(api, input, options),
    departmentUsers: async () => unsupported("eiam", "departmentUsers"),
  };
}
