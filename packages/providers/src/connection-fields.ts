import { BaseUrlSchema } from "@dirgate/core";
import * as z from "zod";

/**
 * An `allow` entry: who may use a connection (README, "Reliability and security"). Namespaced:
 * `iam:<principal ARN>` (a role matches every session of it), `aws-id:<unique id>` (a role's RoleId
 * `AROA…`, a user's `AIDA…`, an account id: SigV4 callers and SQS batch senders), `jwt-sub:<subject>`,
 * `scope:<JWT scope>`. The first forms are still accepted without a prefix: a plain ARN is `iam:`,
 * anything else `jwt-sub:`.
 */
export const AllowEntrySchema = z
  .string()
  .min(1)
  .max(512)
  .refine((entry) => !entry.startsWith("iam:") || /^iam:arn:[\w-]+:(iam|sts)::\d{12}:\S+$/.test(entry), {
    message: "iam: takes a principal ARN (arn:<partition>:iam::<account>:role/<name>, …)",
  })
  .refine((entry) => !entry.startsWith("aws-id:") || /^aws-id:[A-Za-z0-9]{1,128}$/.test(entry), {
    message: "aws-id: takes a unique id without a session (AROA…, AIDA…, or an account id)",
  })
  .refine((entry) => !/^(jwt-sub|scope):$/.test(entry), { message: "names nothing after its prefix" });

/**
 * Fields every connection secret may set, whatever its provider (DESIGN §4). Each provider's
 * schema (`<provider>/connection.ts`) spreads these next to its own credentials.
 */
export const CONNECTION_FIELDS = {
  /** Overrides the provider's host: Lark international, private deployments, the sandbox. */
  baseUrl: BaseUrlSchema.optional(),
  /** Upstream field names kept in responses although sensitive (`attr_birthday`, `mobile` when hidden, …). */
  expose: z.array(z.string().min(1)).default([]),
  /** Upstream calls per second this connection may make (batches stay under it). */
  rateLimit: z.object({ perSecond: z.number().positive() }).optional(),
  /**
   * The provider's change-callback credentials (DingTalk `{token, aesKey}`, Feishu
   * `{verificationToken, encryptKey}`, WeCom `{token, encodingAESKey}`): checked by the receiver.
   */
  callback: z.record(z.string(), z.string()).optional(),
  /** Callers allowed to use the connection (AllowEntrySchema). Absent = any caller the entry point admits. */
  allow: z.array(AllowEntrySchema).optional(),
};
