import { defineProvider } from "../provider.ts";
import { FeishuConnectionSchema } from "./connection.ts";
import { departmentUsers } from "./department-users.ts";
import { FEISHU_TRANSPORT } from "./transport.ts";
import { userById } from "./user-by-id.ts";
import { userByMobile } from "./user-by-mobile.ts";

/** Feishu / Lark (飞书) custom apps: `open.feishu.cn` (or `open.larksuite.com`), one file per operation. */
export const feishu = defineProvider({
  name: "feishu",
  displayName: "Feishu",
  connection: FeishuConnectionSchema,
  transport: FEISHU_TRANSPORT,
  operations: { userByMobile, userById, departmentUsers },
  defaultRatePerSecond: 50, // find_by_department / batch_get_id: 50/s (PROTOCOLS §2.2)
});
