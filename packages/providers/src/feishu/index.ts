import type { FeishuConnection } from "../connection.ts";
import type { ClientDeps, ProviderClient } from "../types.ts";
import { createFeishuApi } from "./api.ts";
import { getUserById } from "./get-user-by-id.ts";
import { getUserByMobile } from "./get-user-by-mobile.ts";
import { listDepartmentUsers } from "./list-department-users.ts";

/** The Feishu/Lark client: one operation per file, composed here. */
export function createFeishuClient(
  connection: string,
  config: FeishuConnection,
  deps: ClientDeps,
): ProviderClient {
  const api = createFeishuApi(connection, config, deps);
  return {
    provider: "feishu",
    connection,
    userById: (input, options) => getUserById(api, input, options),
    userByMobile: (input, options) =>
      getUserByMobile(
        api,
        input,
        (userId) => getUserById(api, { userId, idType: "userId", includeRaw: input.includeRaw }, options),
        options,
      ),
    departmentUsers: (input, options) => listDepartmentUsers(api, input, options),
  };
}
