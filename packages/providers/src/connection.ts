import * as z from "zod";
import { DingTalkConnectionSchema } from "./dingtalk/connection.ts";
import { EiamConnectionSchema } from "./eiam/connection.ts";
import { FeishuConnectionSchema } from "./feishu/connection.ts";
import { WeComConnectionSchema } from "./wecom/connection.ts";

/**
 * A connection = one provider app in one organisation. Its secret (JSON, in Secrets Manager at
 * `{prefix}/connections/{connectionId}`) is validated by this discriminated union on `provider`.
 */
export const ConnectionConfigSchema = z.discriminatedUnion("provider", [
  DingTalkConnectionSchema,
  FeishuConnectionSchema,
  EiamConnectionSchema,
  WeComConnectionSchema,
]);

export type ConnectionConfig = z.infer<typeof ConnectionConfigSchema>;
