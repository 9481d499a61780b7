import {
  CALLBACK_ROUTES,
  ConnectionIdSchema,
  DepartmentPageSchema,
  DirectoryDepartmentSchema,
  DirectoryUserSchema,
  ERROR_CODES,
  META_ROUTES,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationDescriptor,
  ProblemSchema,
  pathParameters,
  UserPageSchema,
  UserRefSchema,
} from "@dirgate/core";
import { supportMatrix } from "@dirgate/providers";
import * as z from "zod";

/**
 * The OpenAPI 3.1 document, generated from the operation table's zod schemas (the same ones that
 * validate requests) and the providers' declarations (which provider supports what). `npm run
 * openapi` writes it to docs/openapi.json; a test fails when that file is stale.
 */
const COMPONENTS = new Map<z.ZodType, string>([
  [DirectoryUserSchema, "DirectoryUser"],
  [UserRefSchema, "UserRef"],
  [UserPageSchema, "UserPage"],
  [DirectoryDepartmentSchema, "DirectoryDepartment"],
  [DepartmentPageSchema, "DepartmentPage"],
]);

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

function parameters(op: OperationDescriptor) {
  const shape = op.input.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown>[] = [];
  for (const name of pathParameters(op.http.path)) {
    const schema = jsonSchema(name === "connection" ? ConnectionIdSchema : shape[name]!, "input");
    out.push({ name, in: "path", required: true, ...describe(schema), schema });
  }
  for (const name of Object.keys(op.http.query ?? {})) {
    const field = shape[name]!;
    const schema = jsonSchema(field, "input");
    out.push({
      name,
      in: "query",
      required: !field.safeParse(undefined).success,
      ...describe(schema),
      schema,
    });
  }
  return out;
}

function describe(schema: Record<string, unknown>) {
  return typeof schema["description"] === "string" ? { description: schema["description"] } : {};
}

/** The JSON body of a POST operation: the input fields that are neither path nor query fields. */
function requestBody(op: OperationDescriptor) {
  if (op.http.method !== "POST") return {};
  const skip = new Set([...pathParameters(op.http.path), ...Object.keys(op.http.query ?? {})]);
  const shape = Object.fromEntries(Object.entries(op.input.shape).filter(([name]) => !skip.has(name)));
  return {
    requestBody: {
      required: true,
      content: { "application/json": { schema: jsonSchema(z.strictObject(shape), "input") } },
    },
  };
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

function responses(op: OperationDescriptor) {
  return {
    "200": {
      description: "OK",
      content: { "application/json": { schema: jsonSchema(op.output, "output") } },
    },
    "400": problem("INVALID_REQUEST"),
    "401": problem("UNAUTHENTICATED"),
    "403": problem("FORBIDDEN, PROVIDER_PERMISSION_DENIED"),
    "404": problem(["CONNECTION_NOT_FOUND", ...op.errors.filter((c) => ERROR_CODES[c] === 404)].join(", ")),
    "429": problem("UPSTREAM_RATE_LIMITED (with Retry-After)"),
    "500": problem("CONFIG_INVALID, INTERNAL"),
    "501": problem("UNSUPPORTED_OPERATION"),
    "502": problem("UPSTREAM_AUTH_FAILED, UPSTREAM_ERROR"),
    "503": problem("UPSTREAM_UNAVAILABLE"),
    "504": problem("UPSTREAM_TIMEOUT"),
  };
}

const META_RESPONSES: Record<string, unknown> = {
  "/v1/health": {
    "200": {
      description: "OK",
      content: {
        "application/json": {
          schema: jsonSchema(z.object({ status: z.literal("ok"), version: z.string() }), "output"),
        },
      },
    },
  },
  "/v1/openapi.json": {
    "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } },
  },
  "/docs": { "200": { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } },
};

export function buildOpenApiDocument(version = "0.1.0"): Record<string, unknown> {
  const support = supportMatrix();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const name of OPERATION_NAMES) {
    const op: OperationDescriptor = OPERATIONS[name];
    const providers = support[name] ?? {};
    paths[op.http.path] ??= {};
    paths[op.http.path]![op.http.method.toLowerCase()] = {
      operationId: op.name,
      summary: op.summary,
      description: [
        op.description,
        `Providers: ${
          Object.entries(providers)
            .map(([p, upstream]) => `${p} (${upstream})`)
            .join("; ") || "none"
        }; the others answer 501 UNSUPPORTED_OPERATION.`,
      ]
        .filter(Boolean)
        .join("\n\n"),
      "x-providers": Object.keys(providers),
      tags: ["lookups"],
      security: [{ awsSigV4: [] }, { jwt: [] }],
      parameters: parameters(op),
      ...requestBody(op),
      responses: responses(op),
    };
  }
  for (const route of CALLBACK_ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.method === "GET" ? "callbackVerification" : "callback",
      summary: route.summary,
      description:
        'Public (no IAM/JWT): register this URL in the provider\'s console. Authenticated by the provider\'s own signature with the connection\'s `callback` credentials; the answer is in the provider\'s format (DingTalk: the encrypted `success`; Feishu: `{"challenge"}` or `{"msg":"success"}`; WeCom: the decrypted echostr, or an empty 200).',
      tags: ["callbacks"],
      security: [],
      parameters: [
        {
          name: "connection",
          in: "path",
          required: true,
          ...describe(jsonSchema(ConnectionIdSchema, "input")),
          schema: jsonSchema(ConnectionIdSchema, "input"),
        },
      ],
      ...(route.method === "POST"
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: { type: "object", description: "DingTalk or Feishu: { encrypt }" },
                },
                "text/xml": {
                  schema: { type: "string", description: "WeCom: <xml><Encrypt>…</Encrypt></xml>" },
                },
              },
            },
          }
        : {}),
      responses: {
        "200": {
          description: "Accepted (and queued) in the provider's format",
          content: {
            "application/json": { schema: { type: "object" } },
            "text/plain": { schema: { type: "string" } },
          },
        },
        "400": problem("INVALID_REQUEST (a malformed envelope, XML with a DOCTYPE)"),
        "401": problem("UNAUTHENTICATED (bad signature, stale timestamp, wrong token, unknown connection)"),
        "413": problem("REQUEST_TOO_LARGE (over 64 KB)"),
        "503": problem("UPSTREAM_UNAVAILABLE (the change could not be stored: the provider retries)"),
      },
    };
  }
  for (const route of META_ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.path === "/v1/health" ? "health" : route.path === "/docs" ? "docs" : "openapi",
      summary: route.summary,
      tags: ["meta"],
      security: [],
      parameters: [],
      responses: META_RESPONSES[route.path],
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
