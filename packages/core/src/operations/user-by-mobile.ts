import * as z from "zod";
import { DirectoryUserSchema, UserRefSchema } from "../directory-user.ts";
import { IncludeSchema, LanguageSchema } from "../fields.ts";
import { defineOperation } from "../operation.ts";
import { noRawWithIdsOnly, RAW_WITH_IDS_ONLY } from "./rules.ts";

/** `POST …/users/by-mobile`: who has this mobile number. The number travels in the body, never a URL. */
export const userByMobile = defineOperation({
  name: "userByMobile",
  lambda: "users-by-mobile",
  summary: "Find a user by mobile number (the number travels in the body, never in a URL)",
  input: z
    .strictObject({
      mobile: z.string().min(3).max(32).describe("13800138000, +86 138 0013 8000, +41 44 668 18 00, …"),
      idsOnly: z
        .boolean()
        .default(false)
        .describe("Only the id (and enterprise accounts sharing the number), one upstream call"),
      language: LanguageSchema.optional(),
      include: IncludeSchema,
    })
    .refine(noRawWithIdsOnly, RAW_WITH_IDS_ONLY),
  output: z.union([DirectoryUserSchema, UserRefSchema]),
  http: {
    method: "POST",
    path: "/v1/connections/{connection}/users/by-mobile",
    query: { include: "string" },
  },
  resultName: "user",
  errors: ["USER_NOT_FOUND"],
});
