import * as z from "zod";
import { DirectoryDepartmentSchema } from "../directory-user.ts";
import { DEPARTMENT_ID_TYPES, IdSchema, IncludeSchema, LanguageSchema } from "../fields.ts";
import { defineOperation } from "../operation.ts";

/** `GET …/departments/{departmentId}`: one department. */
export const department = defineOperation({
  name: "department",
  lambda: "department",
  summary: "Get a department (its name, parent, order, leaders)",
  description:
    "`root` names the provider's root department (DingTalk `1`, Feishu `0`, WeCom `1`, EIAM the tenant's root organisation).",
  input: z.strictObject({
    departmentId: IdSchema.describe("The department's id; `root` names the provider's root department"),
    departmentIdType: z.enum(DEPARTMENT_ID_TYPES).optional(),
    language: LanguageSchema.optional(),
    include: IncludeSchema,
  }),
  output: DirectoryDepartmentSchema,
  http: {
    method: "GET",
    path: "/v1/connections/{connection}/departments/{departmentId}",
    query: { departmentIdType: "string", language: "string", include: "string" },
  },
  resultName: "department",
  errors: ["DEPARTMENT_NOT_FOUND"],
});
