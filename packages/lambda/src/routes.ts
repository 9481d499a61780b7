import {
  DEPARTMENT_ID_TYPES,
  DirectoryUserSchema,
  ID_TYPES,
  IdSchema,
  LANGUAGES,
  UserPageSchema,
  UserRefSchema,
} from "@dirgate/core";
import * as z from "zod";

/**
 * The route table: one entry per HTTP route. `sst.config.ts`, the local server and the OpenAPI
 * generator all read it, so the three cannot drift apart.
 */

/** A connection id is one path segment: letters, digits, `-` and `_`. No way to another secret name. */
export const ConnectionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "letters, digits, - and _ only (at most 64)")
  .describe("The connection (one provider app in one organisation)");

const include = z
  .enum(["raw"])
  .optional()
  .describe("include=raw adds the upstream record (sensitive fields removed)");

export type RouteName = "userByMobile" | "userById" | "departmentUsers" | "health" | "openapi" | "docs";

export interface RouteDefinition {
  name: RouteName;
  method: "GET" | "POST";
  path: string;
  /** The Lambda in `functions/` serving it (file name without `.ts`). */
  function: string;
  summary: string;
  /** `none` = public (no credentials touched); `default` = IAM (or JWT when configured). */
  auth: "default" | "none";
  params: z.ZodObject;
  query: z.ZodObject;
  body?: z.ZodObject;
  /** The success answer (200). */
  response: z.ZodType;
  /** Lookup routes: the operation's input from the validated request parts. */
  toInput?: (parts: RequestParts) => Record<string, unknown>;
}

/** A request's validated parts. */
export interface RequestParts {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

export const ROUTES: RouteDefinition[] = [
  {
    name: "userByMobile",
    method: "POST",
    path: "/v1/connections/{connection}/users/by-mobile",
    function: "users-by-mobile",
    summary: "Find a user by mobile number (the number travels in the body, never in a URL)",
    auth: "default",
    params: z.strictObject({ connection: ConnectionIdSchema }),
    query: z.strictObject({ include }),
    body: z.strictObject({
      mobile: z.string().min(3).max(32).describe("13800138000, +86 138 0013 8000, +41 44 668 18 00, …"),
      idsOnly: z
        .boolean()
        .optional()
        .describe("Only the id (and enterprise accounts sharing the number), one upstream call"),
      language: z.enum(LANGUAGES).optional(),
    }),
    response: z.union([DirectoryUserSchema, UserRefSchema]),
    toInput: ({ query, body }) => ({
      mobile: body["mobile"],
      idsOnly: body["idsOnly"] ?? false,
      language: body["language"],
      includeRaw: query["include"] === "raw",
    }),
  },
  {
    name: "userById",
    method: "GET",
    path: "/v1/connections/{connection}/users/{userId}",
    function: "user-by-id",
    summary: "Get a user's profile by id",
    auth: "default",
    params: z.strictObject({ connection: ConnectionIdSchema, userId: IdSchema }),
    query: z.strictObject({
      idType: z.enum(ID_TYPES).optional(),
      language: z.enum(LANGUAGES).optional(),
      include,
    }),
    response: DirectoryUserSchema,
    toInput: ({ params, query }) => ({
      userId: params["userId"],
      idType: query["idType"] ?? "userId",
      language: query["language"],
      includeRaw: query["include"] === "raw",
    }),
  },
  {
    name: "departmentUsers",
    method: "GET",
    path: "/v1/connections/{connection}/departments/{departmentId}/users",
    function: "department-users",
    summary: "List a department's direct members, one page at a time",
    auth: "default",
    params: z.strictObject({ connection: ConnectionIdSchema, departmentId: IdSchema }),
    query: z.strictObject({
      pageSize: z
        .string()
        .regex(/^\d{1,3}$/, "a whole number")
        .transform(Number)
        .pipe(z.number().int().min(1).max(100))
        .optional()
        .describe("1–100, default 50; clamped to the provider's maximum (Feishu 50)"),
      pageToken: z.string().min(1).max(2048).optional().describe("nextPageToken of the previous page"),
      idType: z.enum(["userId", "openId", "unionId"]).optional(),
      departmentIdType: z.enum(DEPARTMENT_ID_TYPES).optional(),
      include,
    }),
    response: UserPageSchema,
    toInput: ({ params, query }) => ({
      departmentId: params["departmentId"],
      pageSize: query["pageSize"] ?? 50,
      pageToken: query["pageToken"],
      idType: query["idType"] ?? "userId",
      departmentIdType: query["departmentIdType"],
      includeRaw: query["include"] === "raw",
    }),
  },
  {
    name: "health",
    method: "GET",
    path: "/v1/health",
    function: "meta",
    summary: "Liveness: no credentials touched",
    auth: "none",
    params: z.strictObject({}),
    query: z.strictObject({}),
    response: z.object({ status: z.literal("ok"), version: z.string() }),
  },
  {
    name: "openapi",
    method: "GET",
    path: "/v1/openapi.json",
    function: "meta",
    summary: "This API's OpenAPI 3.1 document",
    auth: "none",
    params: z.strictObject({}),
    query: z.strictObject({}),
    response: z.record(z.string(), z.unknown()),
  },
  {
    name: "docs",
    method: "GET",
    path: "/docs",
    function: "meta",
    summary: "The API reference for people (HTML)",
    auth: "none",
    params: z.strictObject({}),
    query: z.strictObject({}),
    response: z.string(),
  },
];

export function routeByName(name: RouteName): RouteDefinition {
  const route = ROUTES.find((r) => r.name === name);
  if (!route) throw new Error(`no route ${name}`);
  return route;
}
