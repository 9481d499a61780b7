import { defineProvider } from "../provider.ts";
import { FeishuConnectionSchema } from "./connection.ts";
import { department } from "./department.ts";
import { departmentChildren } from "./department-children.ts";
import { departmentUsers } from "./department-users.ts";
import { FEISHU_TRANSPORT } from "./transport.ts";
import { userByEmail } from "./user-by-email.ts";
import { userById } from "./user-by-id.ts";
import { userByMobile } from "./user-by-mobile.ts";
import { usersLookup } from "./users-lookup.ts";

/** Feishu / Lark (飞书) custom apps: `open.feishu.cn` (or `open.larksuite.com`), one file per operation. */
export const feishu = defineProvider({
  name: "feishu",
  displayName: "Feishu",
  connection: FeishuConnectionSchema,
  transport: FEISHU_TRANSPORT,
  operations: {
    userByMobile,
    userByEmail,
    userById,
    usersLookup,
    department,
    departmentChildren,
    departmentUsers,
  },
  defaultRatePerSecond: 50, // find_by_department / batch_get_id: 50/s (PROTOCOLS §2.2)
  rootDepartment: "0", // PROTOCOLS §2: department_id "0" = root, under either id type
});
