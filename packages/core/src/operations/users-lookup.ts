import * as z from "zod";
import { DirectoryUserSchema, UserRefSchema } from "../directory-user.ts";
import { ID_TYPES, IdSchema, IncludeSchema, LanguageSchema } from "../fields.ts";
import { defineOperation } from "../operation.ts";
import { ProblemSchema } from "../problem.ts";
import { noRawWithIdsOnly, RAW_WITH_IDS_ONLY } from "./rules.ts";

/** One thing to look up: a mobile, an email address, or an id. */
export const LookupItemSchema = z.union([
  z.strictObject({ mobile: z.string().min(3).max(32) }),
  z.strictObject({ email: z.email().max(254) }),
  z.strictObject({ userId: IdSchema, idType: z.enum(ID_TYPES).default("userId") }),
]);
export type LookupItem = z.infer<typeof LookupItemSchema>;

export const LookupResultSchema = z.union([
  z.object({ ok: z.literal(true), user: z.union([DirectoryUserSchema, UserRefSchema]) }),
  z.object({ ok: z.literal(false), error: ProblemSchema }),
]);
export type LookupResult = z.infer<typeof LookupResultSchema>;

/** `POST …/users/lookup`: up to 100 mobiles, emails or ids in one call; one failing item never fails the others. */
export const usersLookup = defineOperation({
  name: "usersLookup",
  lambda: "users-lookup",
  summary: "Look up to 100 users by mobile, email or id in one call",
  description:
    "Answers each item in input order: { ok: true, user } or { ok: false, error: <problem> }. One item failing (not found, unsupported by the provider) never fails the others; only invalid input or an unusable connection fails the whole request. Feishu resolves up to 50 mobiles or emails per upstream call; the other providers make one call per item, paced.",
  input: z
    .strictObject({
      items: z.array(LookupItemSchema).min(1).max(100),
      idsOnly: z.boolean().default(false).describe("Only ids: no profile calls"),
      language: LanguageSchema.optional(),
      include: IncludeSchema,
    })
    .refine(noRawWithIdsOnly, RAW_WITH_IDS_ONLY),
  output: z.object({ items: z.array(LookupResultSchema) }),
  http: { method: "POST", path: "/v1/connections/{connection}/users/lookup", query: { include: "string" } },
  errors: ["USER_NOT_FOUND"],
});
