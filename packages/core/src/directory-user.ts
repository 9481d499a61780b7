import * as z from "zod";

export const PROVIDERS = ["dingtalk", "feishu", "eiam", "wecom"] as const;
export const ProviderSchema = z.enum(PROVIDERS);
export type Provider = z.infer<typeof ProviderSchema>;

export const USER_STATUSES = ["active", "inactive", "disabled", "resigned", "frozen"] as const;

export const MobileSchema = z
  .object({
    e164: z.string().describe("E.164, e.g. +8613800138000"),
    countryCode: z.string().describe("Country calling code without +, e.g. 86"),
    nationalNumber: z.string().describe("National significant number, e.g. 13800138000"),
  })
  .describe("Absent when the number is hidden or the app may not read it");

export const DepartmentRefSchema = z.object({
  id: z.string(),
  order: z.number().optional(),
  isLeader: z.boolean().optional(),
});

/** One person, the same shape whatever directory they come from (docs/providers.md maps each field). */
export const DirectoryUserSchema = z
  .object({
    provider: ProviderSchema,
    connection: z.string(),
    id: z.string().describe("The id GET /users/{userId} takes (idType userId)"),
    unionId: z.string().optional(),
    openId: z.string().optional(),
    loginId: z.string().optional(),
    name: z.string(),
    englishName: z.string().optional(),
    nickname: z.string().optional(),
    mobile: MobileSchema.optional(),
    email: z.string().optional(),
    enterpriseEmail: z.string().optional(),
    title: z.string().optional(),
    employeeNumber: z.string().optional(),
    departments: z.array(DepartmentRefSchema),
    managerId: z.string().optional(),
    avatarUrl: z.string().optional(),
    status: z.enum(USER_STATUSES),
    hiredAt: z.string().optional().describe("ISO 8601"),
    workPlace: z.string().optional(),
    city: z.string().optional(),
    country: z.string().optional(),
    roles: z.array(z.object({ id: z.string(), name: z.string(), group: z.string().optional() })).optional(),
    isAdmin: z.boolean().optional(),
    isBoss: z.boolean().optional(),
    isSenior: z.boolean().optional(),
    extension: z.record(z.string(), z.unknown()).optional(),
    exclusiveAccount: z
      .object({
        type: z.string(),
        corpId: z.string().optional(),
        corpName: z.string().optional(),
        disabled: z.boolean().optional(),
      })
      .optional()
      .describe("Set when the user is an enterprise (exclusive) account"),
    exclusiveAccountUserIds: z
      .array(z.string())
      .optional()
      .describe("By-mobile lookups: enterprise accounts sharing the number (DingTalk)"),
    withheld: z
      .array(z.string())
      .optional()
      .describe(
        "Fields the provider refused to this app (e.g. WeCom mobile/email for apps made after 2022-06-20)",
      ),
    raw: z.record(z.string(), z.unknown()).optional().describe("The upstream record, with include=raw"),
  })
  .describe("A person in an organisation's directory");
export type DirectoryUser = z.infer<typeof DirectoryUserSchema>;

/** A by-mobile answer in ids-only mode: who, without the profile call. */
export const UserRefSchema = z.object({
  provider: ProviderSchema,
  connection: z.string(),
  id: z.string(),
  exclusiveAccountUserIds: z.array(z.string()).optional(),
});
export type UserRef = z.infer<typeof UserRefSchema>;

export const UserPageSchema = z.object({
  items: z.array(DirectoryUserSchema),
  nextPageToken: z.string().nullable(),
});
export type UserPage = z.infer<typeof UserPageSchema>;

/** A department, the same shape whatever directory it comes from. */
export const DirectoryDepartmentSchema = z
  .object({
    provider: ProviderSchema,
    connection: z.string(),
    id: z.string().describe("The id GET /departments/{departmentId} takes"),
    parentId: z.string().nullable().describe("null for the provider's root department"),
    name: z.string(),
    order: z.number().optional(),
    leaderIds: z.array(z.string()).optional().describe("The department's leaders (user ids)"),
    memberCount: z.number().int().optional(),
    raw: z.record(z.string(), z.unknown()).optional().describe("The upstream record, with include=raw"),
  })
  .describe("A department of an organisation's directory");
export type DirectoryDepartment = z.infer<typeof DirectoryDepartmentSchema>;

export const DepartmentPageSchema = z.object({
  items: z.array(DirectoryDepartmentSchema),
  nextPageToken: z.string().nullable(),
});
export type DepartmentPage = z.infer<typeof DepartmentPageSchema>;
