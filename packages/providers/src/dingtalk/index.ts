import { defineProvider } from "../provider.ts";
import { DingTalkConnectionSchema } from "./connection.ts";
import { department } from "./department.ts";
import { departmentChildren } from "./department-children.ts";
import { departmentUsers } from "./department-users.ts";
import { DINGTALK_TRANSPORT } from "./transport.ts";
import { userById } from "./user-by-id.ts";
import { userByMobile } from "./user-by-mobile.ts";
import { usersLookup } from "./users-lookup.ts";

/** DingTalk (钉钉) internal apps: `oapi.dingtalk.com`, one file per operation. */
export const dingtalk = defineProvider({
  name: "dingtalk",
  displayName: "DingTalk",
  connection: DingTalkConnectionSchema,
  transport: DINGTALK_TRANSPORT,
  // No userByEmail: DingTalk has no lookup by email (501).
  operations: { userByMobile, userById, usersLookup, department, departmentChildren, departmentUsers },
  defaultRatePerSecond: 20, // internal app, standard edition (PROTOCOLS §1.5)
  rootDepartment: "1", // a DingTalk organisation's root department is dept_id 1
});
