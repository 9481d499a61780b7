import * as z from "zod";
import { UserPageSchema } from "../directory-user.ts";
import {
  DEPARTMENT_ID_TYPES,
  ID_TYPES,
  IdSchema,
  IncludeSchema,
  PageSizeSchema,
  PageTokenSchema,
} from "../fields.ts";
import { defineOperation } from "../operation.ts";

/** `GET …/departments/{departmentId}/users`: a department's members, one page at a time. */
export const departmentUsers = defineOperation({
  name: "departmentUsers",
  lambda: "department-users",
  summary: "List a department's members (direct, or everyone in its subtree, each once), one page at a time",
  description:
    "With recursive=true the whole subtree is walked breadth-first, each department's member pages read once, and a person in several departments of the subtree is listed once. A page may hold fewer than pageSize people; follow nextPageToken until it is null. A failing upstream page is an error, never a short list.",
  input: z.strictObject({
    departmentId: IdSchema.describe("The department's id; `root` names the provider's root department"),
    recursive: z.boolean().default(false).describe("Everyone in the subtree, each person once"),
    pageSize: PageSizeSchema,
    pageToken: PageTokenSchema,
    idType: z.enum(ID_TYPES).default("userId").describe("Which of each user's ids becomes `id`"),
    departmentIdType: z.enum(DEPARTMENT_ID_TYPES).optional(),
    include: IncludeSchema,
  }),
  output: UserPageSchema,
  http: {
    method: "GET",
    path: "/v1/connections/{connection}/departments/{departmentId}/users",
    query: {
      recursive: "boolean",
      pageSize: "integer",
      pageToken: "string",
      idType: "string",
      departmentIdType: "string",
      include: "string",
    },
  },
  errors: ["DEPARTMENT_NOT_FOUND"],
});
