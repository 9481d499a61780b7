export { withToken } from "./authorized.ts";
export {
  type ConnectionConfig,
  ConnectionConfigSchema,
  type DingTalkConnection,
  type EiamConnection,
  type FeishuConnection,
} from "./connection.ts";
export { createProviderClient } from "./create-client.ts";
export { interpretDingTalk } from "./dingtalk/errors.ts";
export { createDingTalkClient } from "./dingtalk/index.ts";
export { DingTalkLegacyUserSchema, dingTalkLegacyUserToDirectoryUser } from "./dingtalk/legacy-user.ts";
export { DingTalkUserSchema, dingTalkUserToDirectoryUser } from "./dingtalk/user.ts";
export { interpretEiam } from "./eiam/errors.ts";
export { createEiamClient } from "./eiam/index.ts";
export { EIAM_SENSITIVE_FIELDS, EiamUserSchema, eiamUserToDirectoryUser } from "./eiam/user.ts";
export { interpretFeishu } from "./feishu/errors.ts";
export { createFeishuClient } from "./feishu/index.ts";
export { FeishuUserSchema, feishuUserToDirectoryUser } from "./feishu/user.ts";
export { iterateDepartmentUsers } from "./paginate.ts";
export type { ClientDeps, ProviderClient } from "./types.ts";
