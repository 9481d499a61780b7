import { defineProvider } from "../provider.ts";
import { EiamConnectionSchema } from "./connection.ts";
import { department } from "./department.ts";
import { departmentChildren } from "./department-children.ts";
import { departmentUsers } from "./department-users.ts";
import { rootOrganizationId } from "./org-tree.ts";
import { EIAM_TRANSPORT } from "./transport.ts";
import { userByEmail } from "./user-by-email.ts";
import { userById } from "./user-by-id.ts";
import { userByMobile } from "./user-by-mobile.ts";
import { usersLookup } from "./users-lookup.ts";

/** EIAM: Bamboocloud IDaaS / Huawei OneAccess management API (seed 002), one file per operation. */
export const eiam = defineProvider({
  name: "eiam",
  displayName: "EIAM",
  connection: EiamConnectionSchema,
  transport: EIAM_TRANSPORT,
  operations: {
    userByMobile,
    userByEmail,
    userById,
    usersLookup,
    department,
    departmentChildren,
    departmentUsers,
  },
  defaultRatePerSecond: 20, // undocumented: conservative
  rootDepartment: rootOrganizationId,
});
