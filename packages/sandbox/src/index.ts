export {
  createDingTalkEmulator,
  type DingTalkApp,
  type DingTalkEmulator,
  parseDingTalkMobile,
} from "./dingtalk.ts";
export { createEiamEmulator, type EiamClient, type EiamEmulator, eiamMobileKey } from "./eiam.ts";
export {
  Emulator,
  FAULT_KINDS,
  type FaultKind,
  type FaultRule,
  type Knobs,
  type RecordedRequest,
} from "./emulator.ts";
export {
  compileEventPattern,
  createEventBridgeEmulator,
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  type EventEnvelope,
  InvalidEventPatternError,
  type PutEventRecord,
  type SqsDeliveryOptions,
} from "./eventbridge.ts";
export { createFeishuEmulator, type FeishuApp, type FeishuEmulator, feishuMobileKey } from "./feishu.ts";
export {
  BIG_DEPARTMENT_KEY,
  buildDemoOrg,
  DemoOrg,
  type Department,
  type DepartmentChanges,
  directMembers,
  inWeCom,
  type Membership,
  type NewDepartment,
  type NewPerson,
  type OrgAction,
  type OrgChange,
  OrgError,
  type OrgListener,
  type Person,
  type PersonChanges,
  type PersonStatus,
  type Phone,
  phoneKey,
  toWeComUserId,
  WECOM_USERID_PATTERN,
} from "./org.ts";
export { type ControlServer, createControlServer, DEFAULT_CONTROL_PORT } from "./push/control.ts";
export { CONTROL_CLI_USAGE, type ControlCliIo, runControlCli } from "./push/control-cli.ts";
export {
  larkEncrypt,
  larkSignature,
  randomAlnum,
  randomDigits,
  tamperHex,
  type WxPlaintext,
  wxAesKey,
  wxDecrypt,
  wxEncrypt,
  wxSignature,
} from "./push/crypto.ts";
export { createDingTalkChannel, type DingTalkPushConfig } from "./push/dingtalk.ts";
export { createFeishuChannel, type FeishuPushConfig } from "./push/feishu.ts";
export {
  type Answer,
  type BuiltEvent,
  type CallbackKnobs,
  type CallbackProvider,
  CallbackPushers,
  type CallbackVerification,
  DEFAULT_CALLBACK_KNOBS,
  type Delivery,
  type Handshake,
  type OutgoingRequest,
  type PushChannel,
  type PushedEvent,
  type SetTargetOptions,
} from "./push/pusher.ts";
export { createWeComChannel, type WeComPushConfig } from "./push/wecom.ts";
export { createRng } from "./rng.ts";
export {
  DEMO_CALLBACK_CREDENTIALS,
  DEMO_CONNECTION_IDS,
  DEMO_CREDENTIALS,
  DINGTALK_DEMO_CORP_ID,
  demoPushChannels,
  demoSecretValues,
  FEISHU_DEMO_TENANT_KEY,
  type Sandbox,
  type SandboxDescription,
  type SandboxOptions,
  startSandbox,
} from "./sandbox.ts";
export {
  createSecretsManagerEmulator,
  type SecretFailureKind,
  type SecretsManagerEmulator,
  type SecretsManagerEmulatorOptions,
} from "./secrets-manager.ts";
export { createSqsEmulator, md5OfMessageAttributes, type QueueSettings, type SqsEmulator } from "./sqs.ts";
export {
  createWeComEmulator,
  WECOM_DEMO_CREDENTIALS,
  type WeComApp,
  type WeComAppKind,
  type WeComCorp,
  type WeComEmulator,
  type WeComEmulatorOptions,
  type WeComLimits,
  weComDemoCorp,
  weComStatus,
  withholdsSensitive,
} from "./wecom.ts";
