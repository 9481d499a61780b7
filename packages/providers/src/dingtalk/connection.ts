import * as z from "zod";
import { CONNECTION_FIELDS } from "../connection-fields.ts";

/** A DingTalk internal app: `appKey`/`appSecret` (DESIGN §4). */
export const DingTalkConnectionSchema = z.object({
  provider: z.literal("dingtalk"),
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  /** `legacy` looks users up with the 1.0 `GET /user/get` (seed 003) instead of `topapi/v2/user/get`. */
  userApi: z.enum(["v2", "legacy"]).default("v2"),
  ...CONNECTION_FIELDS,
});
export type DingTalkConnection = z.infer<typeof DingTalkConnectionSchema>;
