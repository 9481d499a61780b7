import * as z from "zod";
import { CONNECTION_FIELDS } from "../connection-fields.ts";

/** A Feishu/Lark custom app: `appId`/`appSecret` (`baseUrl` https://open.larksuite.com for Lark). */
export const FeishuConnectionSchema = z.object({
  provider: z.literal("feishu"),
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  ...CONNECTION_FIELDS,
});
export type FeishuConnection = z.infer<typeof FeishuConnectionSchema>;
