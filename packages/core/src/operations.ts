import * as z from "zod";

/** Inputs of the lookup operations, validated before anything goes upstream. */

export const LANGUAGES = ["zh_CN", "en_US"] as const;
export const ID_TYPES = ["userId", "loginId", "openId", "unionId"] as const;
export type IdType = (typeof ID_TYPES)[number];
export const DEPARTMENT_ID_TYPES = ["departmentId", "openDepartmentId"] as const;

/** Ids go into upstream URLs and bodies: printable, no control characters, bounded. */
export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^\P{Cc}+$/u, "must not contain control characters");

export const UserByMobileInputSchema = z.object({
  mobile: z.string().min(3).max(32).describe("13800138000, +86 138 0013 8000, +41 44 668 18 00, …"),
  idsOnly: z
    .boolean()
    .default(false)
    .describe("Return only the id (and enterprise accounts), skipping the profile call"),
  language: z.enum(LANGUAGES).optional(),
  includeRaw: z.boolean().default(false),
});
export type UserByMobileInput = z.input<typeof UserByMobileInputSchema>;

export const UserByIdInputSchema = z.object({
  userId: IdSchema,
  idType: z.enum(ID_TYPES).default("userId"),
  language: z.enum(LANGUAGES).optional(),
  includeRaw: z.boolean().default(false),
});
export type UserByIdInput = z.input<typeof UserByIdInputSchema>;

export const DepartmentUsersInputSchema = z.object({
  departmentId: IdSchema,
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .describe("Clamped to the provider's maximum (Feishu 50)"),
  pageToken: z.string().min(1).max(2048).optional(),
  idType: z.enum(["userId", "openId", "unionId"]).default("userId"),
  departmentIdType: z.enum(DEPARTMENT_ID_TYPES).optional(),
  includeRaw: z.boolean().default(false),
});
export type DepartmentUsersInput = z.input<typeof DepartmentUsersInputSchema>;
