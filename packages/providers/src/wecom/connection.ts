import * as z from "zod";
import { CONNECTION_FIELDS } from "../connection-fields.ts";

/**
 * A WeCom (企业微信) app of one corp: the corp's `corpId` and one app's `corpSecret` — a self-built
 * app's secret, a 代开发 app's, or the contact-sync (通讯录同步) secret (DESIGN §4). Each secret has
 * its own token and sees what its app may see (可见范围).
 */
export const WeComConnectionSchema = z.object({
  provider: z.literal("wecom"),
  corpId: z.string().min(1).max(64),
  corpSecret: z.string().min(1),
  ...CONNECTION_FIELDS,
});
export type WeComConnection = z.infer<typeof WeComConnectionSchema>;
