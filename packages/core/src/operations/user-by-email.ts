import * as z from "zod";
import { DirectoryUserSchema, UserRefSchema } from "../directory-user.ts";
import { IncludeSchema, LanguageSchema } from "../fields.ts";
import { defineOperation } from "../operation.ts";
import { noRawWithIdsOnly, RAW_WITH_IDS_ONLY } from "./rules.ts";

/** `POST …/users/by-email`: who has this email address (it travels in the body, never a URL). */
export const userByEmail = defineOperation({
  name: "userByEmail",
  lambda: "users-by-email",
  summary: "Find a user by email address (the address travels in the body, never in a URL)",
  input: z
    .strictObject({
      email: z.email().max(254).describe("zhangsan@example.com (personal or enterprise address)"),
      idsOnly: z.boolean().default(false).describe("Only the id, one upstream call"),
      language: LanguageSchema.optional(),
      include: IncludeSchema,
    })
    .refine(noRawWithIdsOnly, RAW_WITH_IDS_ONLY),
  output: z.union([DirectoryUserSchema, UserRefSchema]),
  http: { method: "POST", path: "/v1/connections/{connection}/users/by-email", query: { include: "string" } },
  resultName: "user",
  errors: ["USER_NOT_FOUND"],
});
