import { DirectoryUserSchema, ERROR_CODES, UserPageSchema, UserRefSchema } from "@dirgate/core";
import * as z from "zod";
import { ROUTES, type RouteDefinition } from "./routes.ts";

/**
 * The OpenAPI 3.1 document, generated from the route table's zod schemas (the same ones that
 * validate requests). `npm run openapi` writes it to docs/openapi.json; a test fails when that file
 * is stale.
 */
const COMPONENTS = new Map<z.ZodType, string>([
  [DirectoryUserSchema, "DirectoryUser"],
  [UserRefSchema, "UserRef"],
  [UserPageSchema, "UserPage"],
]);

const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.enum(Object.keys(ERROR_CODES) as [string, ...string[]]),
  requestId: z.string(),
  upstream: z
    .object({ code: z.string().optional(), message: z.string().optional(), requestId: z.string().optional() })
    .optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const name = COMPONENTS.get(schema);
  if (name) return { $ref: `#/components/schemas/${name}` };
  if (schema instanceof z.ZodUnion)
    return { oneOf: (schema.options as z.ZodType[]).map((o) => jsonSchema(o, io)) };
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

function parameters(route: RouteDefinition) {
  const out: Record<string, unknown>[] = [];
  for (const [where, shape] of [
    ["path", route.params.shape],
    ["query", route.query.shape],
  ] as const) {
    for (const [name, field] of Object.entries(shape as Record<string, z.ZodType>)) {
      const schema = jsonSchema(field, "input");
      out.push({
        name,
        in: where,
        required: where === "path" || !field.safeParse(undefined).success,
        ...(typeof schema["description"] === "string" ? { description: schema["description"] } : {}),
        schema,
      });
    }
  }
  return out;
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

function responses(route: RouteDefinition) {
  if (route.name === "docs")
    return { "200": { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } };
  const ok = {
    "200": {
      description: "OK",
      content: { "application/json": { schema: jsonSchema(route.response, "output") } },
    },
  };
  if (route.auth === "none") return ok;
  return {
    ...ok,
    "400": problem("INVALID_REQUEST"),
    "401": problem("UNAUTHENTICATED"),
    "403": problem("FORBIDDEN, PROVIDER_PERMISSION_DENIED"),
    "404": problem("CONNECTION_NOT_FOUND, USER_NOT_FOUND, DEPARTMENT_NOT_FOUND"),
    "429": problem("UPSTREAM_RATE_LIMITED (with Retry-After)"),
    "500": problem("CONFIG_INVALID, INTERNAL"),
    "501": problem("UNSUPPORTED_OPERATION"),
    "502": problem("UPSTREAM_AUTH_FAILED, UPSTREAM_ERROR"),
    "503": problem("UPSTREAM_UNAVAILABLE"),
    "504": problem("UPSTREAM_TIMEOUT"),
  };
}

export function buildOpenApiDocument(version = "0.1.0"): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.name,
      summary: route.summary,
      tags: [route.auth === "none" ? "meta" : "lookups"],
      security: route.auth === "none" ? [] : [{ awsSigV4: [] }, { jwt: [] }],
      parameters: parameters(route),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchema(route.body, "input") } },
            },
          }
        : {}),
      responses: responses(route),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "dirgate",
      version,
      description:
        "One API to find people in an organisation's workplace directory: DingTalk, Feishu/Lark, EIAM (Bamboocloud IDaaS / Huawei OneAccess). Errors are RFC 9457 problem documents with a stable `code`.",
    },
    paths,
    components: {
      schemas: {
        ...Object.fromEntries(
          [...COMPONENTS].map(([schema, name]) => [name, jsonSchema(schema.meta({}), "output")]),
        ),
        Problem: jsonSchema(ProblemSchema, "output"),
      },
      securitySchemes: {
        awsSigV4: {
          type: "apiKey",
          in: "header",
          name: "Authorization",
          description: "AWS Signature Version 4 (IAM auth, the default)",
        },
        jwt: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "When the deployment configures a JWT authorizer",
        },
      },
    },
  };
}
