import * as z from "zod";

/**
 * Fields every connection secret may set, whatever its provider (DESIGN §4). Each provider's
 * schema (`<provider>/connection.ts`) spreads these next to its own credentials.
 */
export const CONNECTION_FIELDS = {
  /** Overrides the provider's host: Lark international, private deployments, the sandbox. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Upstream field names kept in responses although sensitive (`attr_birthday`, `mobile` when hidden, …). */
  expose: z.array(z.string().min(1)).default([]),
  /** Upstream calls per second this connection may make (batches stay under it). */
  rateLimit: z.object({ perSecond: z.number().positive() }).optional(),
  /**
   * The provider's change-callback credentials (DingTalk `{token, aesKey}`, Feishu
   * `{verificationToken, encryptKey}`, WeCom `{token, encodingAESKey}`): checked by the receiver.
   */
  callback: z.record(z.string(), z.string()).optional(),
  /** Callers allowed to use the connection: IAM principal ARNs or JWT subjects/scopes. Absent = any authenticated caller. */
  allow: z.array(z.string().min(1)).optional(),
};
