import * as z from "zod";
import { DepartmentPageSchema } from "../directory-user.ts";
import {
  DEPARTMENT_ID_TYPES,
  IdSchema,
  IncludeSchema,
  LanguageSchema,
  PageSizeSchema,
  PageTokenSchema,
} from "../fields.ts";
import { defineOperation } from "../operation.ts";

/** `GET …/departments/{departmentId}/children`: the sub-departments, direct or the whole subtree. */
export const departmentChildren = defineOperation({
  name: "departmentChildren",
  lambda: "department-children",
  summary: "List a department's sub-departments (direct, or the whole subtree), one page at a time",
  description: "With recursive=true the subtree comes breadth-first, parents before their children.",
  input: z.strictObject({
    departmentId: IdSchema.describe("The department's id; `root` names the provider's root department"),
    recursive: z.boolean().default(false).describe("The whole subtree, not only the direct children"),
    pageSize: PageSizeSchema,
    pageToken: PageTokenSchema,
    departmentIdType: z.enum(DEPARTMENT_ID_TYPES).optional(),
    language: LanguageSchema.optional(),
    include: IncludeSchema,
  }),
  output: DepartmentPageSchema,
  http: {
    method: "GET",
    path: "/v1/connections/{connection}/departments/{departmentId}/children",
    query: {
      recursive: "boolean",
      pageSize: "integer",
      pageToken: "string",
      departmentIdType: "string",
      language: "string",
      include: "string",
    },
  },
  errors: ["DEPARTMENT_NOT_FOUND"],
});
