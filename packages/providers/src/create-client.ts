import { unsupported } from "./authorized.ts";
import type { ConnectionConfig } from "./connection.ts";
import { createDingTalkClient } from "./dingtalk/index.ts";
import { createEiamClient } from "./eiam/index.ts";
import { createFeishuClient } from "./feishu/index.ts";
import type { ClientDeps, ProviderClient } from "./types.ts";

/** A ready client for a validated connection. WeCom is declared but not implemented yet: 501. */
export function createProviderClient(
  connection: string,
  config: ConnectionConfig,
  deps: ClientDeps,
): ProviderClient {
  switch (config.provider) {
    case "dingtalk":
      return createDingTalkClient(connection, config, deps);
    case "feishu":
      return createFeishuClient(connection, config, deps);
    case "eiam":
      return createEiamClient(connection, config, deps);
    case "wecom":
      return {
        provider: "wecom",
        connection,
        userById: async () => unsupported("wecom", "userById"),
        userByMobile: async () => unsupported("wecom", "userByMobile"),
        departmentUsers: async () => unsupported("wecom", "departmentUsers"),
      };
  }
}
