import type { DingTalkConnection } from "../connection.ts";
import type { ClientDeps, ProviderClient } from "../types.ts";
import { createDingTalkApi } from "./api.ts";
import { getUserById } from "./get-user-by-id.ts";
import { getUserByIdLegacy } from "./get-user-by-id-legacy.ts";
import { getUserByMobile } from "./get-user-by-mobile.ts";
import { listDepartmentUsers } from "./list-department-users.ts";

/** The DingTalk client: one operation per file, composed here. */
export function createDingTalkClient(
  connection: string,
  config: DingTalkConnection,
  deps: ClientDeps,
): ProviderClient {
  const api = createDingTalkApi(connection, config, deps);
  const userById: ProviderClient["userById"] = (input, options) =>
    config.userApi === "legacy" ? getUserByIdLegacy(api, input, options) : getUserById(api, input, options);
  return {
    provider: "dingtalk",
    connection,
    userById,
    userByMobile: (input, options) =>
      getUserByMobile(
        api,
        input,
        (userId) => userById({ userId, language: input.language, includeRaw: input.includeRaw }, options),
        options,
      ),
    departmentUsers: (input, options) => listDepartmentUsers(api, input, options),
  };
}
