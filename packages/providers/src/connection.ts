import * as z from "zod";

/**
 * A connection = one provider app in one organisation. Its secret (JSON, in Secrets Manager at
 * `{prefix}/connections/{connectionId}`) is validated by this discriminated union on `provider`.
 */
const common = {
  /** Overrides the provider's host: Lark international, private deployments, the sandbox. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Upstream field names kept in responses although sensitive (`attr_birthday`, `mobile` when hidden, …). */
  expose: z.array(z.string().min(1)).default([]),
  /** Upstream calls per second this connection may make (batches stay under it). */
  rateLimit: z.object({ perSecond: z.number().positive() }).optional(),
  /** Callers allowed to use the connection: IAM principal ARNs or JWT subjects/scopes. Absent = any authenticated caller. */
  allow: z.array(z.string().min(1)).optional(),
};

export const DingTalkConnectionSchema = z.object({
  provider: z.literal("dingtalk"),
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  /** `legacy` looks users up with the 1.0 `GET /user/get` (seed 003) instead of `topapi/v2/user/get`. */
  userApi: z.enum(["v2", "legacy"]).default("v2"),
  ...common,
});

export const FeishuConnectionSchema = z.object({
  provider: z.literal("feishu"),
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  ...common,
});

export const EiamConnectionSchema = z.object({
  provider: z.literal("eiam"),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Bamboocloud documents HTTP Basic; Huawei OneAccess documents form fields. */
  clientAuth: z.enum(["basic", "form"]).default("basic"),
  ...common,
  baseUrl: z.url({ protocol: /^https?$/ }),
});

export const WeComConnectionSchema = z.object({
  provider: z.literal("wecom"),
  corpId: z.string().min(1),
  corpSecret: z.string().min(1),
  ...common,
});

export const ConnectionConfigSchema = z.discriminatedUnion("provider", [
  DingTalkConnectionSchema,
  FeishuConnectionSchema,
  EiamConnectionSchema,
  WeComConnectionSchema,
]);

export type ConnectionConfig = z.infer<typeof ConnectionConfigSchema>;
export type DingTalkConnection = z.infer<typeof DingTalkConnectionSchema>;
export type FeishuConnection = z.infer<typeof FeishuConnectionSchema>;
export type EiamConnection = z.infer<typeof EiamConnectionSchema>;
