import * as z from "zod";
import { UserPageSchema } from "../directory-user.ts";
import { DEPARTMENT_ID_TYPES, IdSchema, IncludeSchema, PageSizeSchema, PageTokenSchema } from "../fields.ts";
import { defineOperation } from "../operation.ts";

/** `GET …/departments/{departmentId}/users`: a department's members, one page at a time. */
export const departmentUsers = defineOperation({
  name: "departmentUsers",
  lambda: "department-users",
  summary: "List a department's direct members, one page at a time",
  input: z.strictObject({
    departmentId: IdSchema.describe("The department's id"),
    pageSize: PageSizeSchema,
    pageToken: PageTokenSchema,
    idType: z.enum(["userId", "openId", "unionId"]).default("userId"),
    departmentIdType: z.enum(DEPARTMENT_ID_TYPES).optional(),
    include: IncludeSchema,
  }),
  output: UserPageSchema,
  http: {
    method: "GET",
    path: "/v1/connections/{connection}/departments/{departmentId}/users",
    query: {
      pageSize: "integer",
      pageToken: "string",
      idType: "string",
      departmentIdType: "string",
      include: "string",
    },
  },
  errors: ["DEPARTMENT_NOT_FOUND"],
});
