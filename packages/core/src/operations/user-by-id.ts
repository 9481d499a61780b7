import * as z from "zod";
import { DirectoryUserSchema } from "../directory-user.ts";
import { ID_TYPES, IdSchema, IncludeSchema, LanguageSchema } from "../fields.ts";
import { defineOperation } from "../operation.ts";

/** `GET …/users/{userId}`: a user's profile by one of its ids. */
export const userById = defineOperation({
  name: "userById",
  lambda: "user-by-id",
  summary: "Get a user's profile by id",
  input: z.strictObject({
    userId: IdSchema.describe("The user's id, of the kind idType names"),
    idType: z.enum(ID_TYPES).default("userId"),
    language: LanguageSchema.optional(),
    include: IncludeSchema,
  }),
  output: DirectoryUserSchema,
  http: {
    method: "GET",
    path: "/v1/connections/{connection}/users/{userId}",
    query: { idType: "string", language: "string", include: "string" },
  },
  resultName: "user",
  errors: ["USER_NOT_FOUND"],
});
