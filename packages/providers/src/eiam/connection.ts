import * as z from "zod";
import { CONNECTION_FIELDS } from "../connection-fields.ts";

/** An EIAM application (Bamboocloud IDaaS / Huawei OneAccess): the tenant's domain and client credentials. */
export const EiamConnectionSchema = z.object({
  provider: z.literal("eiam"),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Bamboocloud documents HTTP Basic; Huawei OneAccess documents form fields. */
  clientAuth: z.enum(["basic", "form"]).default("basic"),
  ...CONNECTION_FIELDS,
  baseUrl: z.url({ protocol: /^https?$/ }),
});
export type EiamConnection = z.infer<typeof EiamConnectionSchema>;
