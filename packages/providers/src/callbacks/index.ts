export {
  type CallbackChanges,
  type CallbackEvent,
  type CallbackHandshake,
  type DirectoryChange,
  type EventOptions,
  epochToIso,
  stableEventId,
} from "./change.ts";
export {
  type DingTalkCallback,
  DingTalkCallbackSchema,
  type FeishuCallback,
  FeishuCallbackSchema,
  type WeComCallback,
  WeComCallbackSchema,
} from "./config.ts";
export { parseDingTalkEvent } from "./dingtalk-events.ts";
export { type CallbackFailure, CallbackVerificationError, isCallbackVerificationError } from "./errors.ts";
export { parseFeishuEvent } from "./feishu-events.ts";
export { larkDecrypt, larkEncrypt, larkSignature, verifyLarkSignature } from "./lark-crypto.ts";
export {
  type CallbackReply,
  type CallbackRequest,
  REPLAY_WINDOW_MS,
  type ReceivedCallback,
  receiveDingTalk,
  receiveFeishu,
  receiveWeCom,
} from "./receive.ts";
export { parseWeComEvent } from "./wecom-events.ts";
export {
  decrypt,
  dingTalkSuccessReply,
  encrypt,
  signature,
  verifyAndDecrypt,
  verifySignature,
  type WxBizConfig,
} from "./wxbiz-crypto.ts";
export {
  MAX_CALLBACK_XML_BYTES,
  parseCallbackXml,
  readWeComEnvelope,
  type WeComEnvelope,
  type XmlObject,
  type XmlValue,
} from "./xml.ts";
