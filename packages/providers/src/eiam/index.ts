import { defineProvider } from "../provider.ts";
import { EiamConnectionSchema } from "./connection.ts";
import { EIAM_TRANSPORT } from "./transport.ts";
import { userById } from "./user-by-id.ts";
import { userByMobile } from "./user-by-mobile.ts";

/** EIAM: Bamboocloud IDaaS / Huawei OneAccess management API (seed 002). No department listing. */
export const eiam = defineProvider({
  name: "eiam",
  displayName: "EIAM",
  connection: EiamConnectionSchema,
  transport: EIAM_TRANSPORT,
  operations: { userByMobile, userById },
  defaultRatePerSecond: 20, // undocumented: conservative
});
