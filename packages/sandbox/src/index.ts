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
export { createFeishuEmulator, type FeishuApp, type FeishuEmulator, feishuMobileKey } from "./feishu.ts";
export {
  BIG_DEPARTMENT_KEY,
  buildDemoOrg,
  type DemoOrg,
  type Department,
  directMembers,
  type Person,
  type PersonStatus,
  phoneKey,
} from "./org.ts";
export {
  DEMO_CONNECTION_IDS,
  DEMO_CREDENTIALS,
  type Sandbox,
  type SandboxDescription,
  type SandboxOptions,
  startSandbox,
} from "./sandbox.ts";
export { createSecretsManagerEmulator, type SecretsManagerEmulator } from "./secrets-manager.ts";
export { createSqsEmulator, type SqsEmulator } from "./sqs.ts";
