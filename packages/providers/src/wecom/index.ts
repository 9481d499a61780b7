import { defineProvider } from "../provider.ts";
import { WeComConnectionSchema } from "./connection.ts";
import { department } from "./department.ts";
import { departmentChildren } from "./department-children.ts";
import { departmentUsers } from "./department-users.ts";
import { WECOM_TRANSPORT } from "./transport.ts";
import { userByEmail } from "./user-by-email.ts";
import { userById } from "./user-by-id.ts";
import { userByMobile } from "./user-by-mobile.ts";
import { usersLookup } from "./users-lookup.ts";

/** WeCom (企业微信): `qyapi.weixin.qq.com/cgi-bin`, one file per operation. */
export const wecom = defineProvider({
  name: "wecom",
  displayName: "WeCom",
  connection: WeComConnectionSchema,
  transport: WECOM_TRANSPORT,
  operations: {
    userByMobile,
    userByEmail,
    userById,
    usersLookup,
    department,
    departmentChildren,
    departmentUsers,
  },
  // 150 000 calls per hour per corp per API (90454) is 41.7/s sustained: 40/s stays under it even
  // when every call is the same API (the 10 000/min burst limit is far above).
  defaultRatePerSecond: 40,
  rootDepartment: "1", // PROTOCOLS §4: "root department id is 1"
});
