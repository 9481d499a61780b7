export {
  type CallbackReply,
  type CallbackRequest,
  CallbackVerificationError,
  DingTalkCallbackSchema,
  type DirectoryChange,
  FeishuCallbackSchema,
  isCallbackVerificationError,
  type ReceivedCallback,
  receiveDingTalk,
  receiveFeishu,
  receiveWeCom,
  WeComCallbackSchema,
} from "./callbacks/index.ts";
export { createProviderClient, defaultRatePerSecond } from "./client.ts";
export { type ConnectionConfig, ConnectionConfigSchema } from "./connection.ts";
export { DingTalkLegacyUserSchema, dingTalkLegacyUserToDirectoryUser } from "./dingtalk/legacy-user.ts";
export { DINGTALK_TRANSPORT } from "./dingtalk/transport.ts";
export { DingTalkUserSchema, dingTalkUserToDirectoryUser } from "./dingtalk/user.ts";
export { EIAM_TRANSPORT } from "./eiam/transport.ts";
export { EIAM_SENSITIVE_FIELDS, EiamUserSchema, eiamUserToDirectoryUser } from "./eiam/user.ts";
export { FEISHU_TRANSPORT } from "./feishu/transport.ts";
export { FeishuUserSchema, feishuUserToDirectoryUser } from "./feishu/user.ts";
export { iterateDepartmentUsers } from "./paginate.ts";
export type { Implementation, ProviderClient, ProviderContext, ProviderDefinition } from "./provider.ts";
export { createClient, defineProvider } from "./provider.ts";
export { PROVIDER_TABLE, type SupportedProvider, supportMatrix } from "./registry.ts";
export type { Endpoint, Envelope, ErrorRule, Transport, TransportSpec } from "./transport.ts";
export { createTransport, interpret, withToken } from "./transport.ts";
export type { ClientDeps } from "./types.ts";
