import {
  CALLBACK_ROUTES,
  ConnectionIdSchema,
  DepartmentPageSchema,
  DepartmentRefSchema,
  DirectoryDepartmentSchema,
  DirectoryUserSchema,
  ERROR_CODES,
  type ErrorCode,
  LookupItemSchema,
  LookupResultSchema,
  META_ROUTES,
  MobileSchema,
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
import { BODY_EXAMPLES, OUTPUT_EXAMPLES, PARAMETER_EXAMPLES, problem } from "./openapi-examples.ts";

/**
 * The OpenAPI 3.1 document, generated from the operation table's zod schemas (the same ones that
 * validate requests and answers) and the providers' declarations (which provider supports what).
 * `npm run openapi` writes it to docs/openapi.json; a test fails when that file is stale, and the
 * suite validates every answer the API gives against it (test/helpers/openapi-check.ts).
 *
 * Shared things are `$ref`s: the answer schemas (`components.schemas`), the connection parameter,
 * the error answers (`components.responses`: each a problem schema narrowed to its status and
 * codes, with an example per code) and the `Retry-After` and `Allow` headers.
 */
type Json = Record<string, unknown>;

const SCHEMAS = "#/components/schemas/";
const ref = (kind: "schemas" | "responses" | "parameters" | "headers", name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});

const HealthSchema = z
  .object({ status: z.literal("ok"), version: z.string().describe("dirgate's version") })
  .describe("Liveness: no credentials touched");

const GatewayMessageSchema = z
  .object({ message: z.string() })
  .describe(
    "An answer of API Gateway itself, before dirgate runs (authorizer, route, quota): not a problem document",
  );

/** Answer schemas every client shares, by name (`components.schemas`). */
const OUTPUT_COMPONENTS = new Map<z.ZodType, string>([
  [DirectoryUserSchema, "DirectoryUser"],
  [MobileSchema, "Mobile"],
  [DepartmentRefSchema, "DepartmentRef"],
  [UserRefSchema, "UserRef"],
  [UserPageSchema, "UserPage"],
  [DirectoryDepartmentSchema, "DirectoryDepartment"],
  [DepartmentPageSchema, "DepartmentPage"],
  [LookupResultSchema, "LookupResult"],
  [ProblemSchema, "Problem"],
  [HealthSchema, "Health"],
  [GatewayMessageSchema, "GatewayMessage"],
]);

/** Request schemas shared by name. */
const INPUT_COMPONENTS = new Map<z.ZodType, string>([[LookupItemSchema, "LookupItem"]]);

/**
 * Converts schemas in one pass, so that every component they contain is a `$ref` (zod's registry
 * conversion): the components by name, and the `extra` schemas by the keys given.
 */
function convert(
  components: Map<z.ZodType, string>,
  extra: Map<string, z.ZodType>,
  io: "input" | "output",
): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of components) registry.add(schema, { id });
  for (const [id, schema] of extra) if (!components.has(schema)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    uri: (id) => `${SCHEMAS}${id}`,
  });
  const out: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as Json;
    out[id] = rest;
  }
  for (const [id, schema] of extra) {
    const name = components.get(schema);
    if (name) out[id] = { $ref: `${SCHEMAS}${name}` };
  }
  return out;
}

/** What each code means to a caller (the error table of the README and DESIGN §3). */
const MEANING: Record<ErrorCode, string> = {
  INVALID_REQUEST:
    "a field failed validation (`errors` names each), the body is not JSON, a `pageToken` this query did not return",
  UNAUTHENTICATED: "the callback's signature, timestamp or token is not valid (or the connection is unknown)",
  FORBIDDEN: "the caller is not in the connection's `allow` list",
  CONNECTION_NOT_FOUND: "no connection of that id (no secret `{prefix}/connections/{connection}`)",
  USER_NOT_FOUND: "no such user, or outside the app's contact scope",
  DEPARTMENT_NOT_FOUND: "no such department, or outside the app's contact scope",
  ROUTE_NOT_FOUND: "no such route (or asset)",
  METHOD_NOT_ALLOWED: "the path does not take this method; `Allow` lists the ones it takes",
  REQUEST_TOO_LARGE: "the body (413), the URL (414) or the headers (431) are over API Gateway's limits",
  PROVIDER_PERMISSION_DENIED: "the provider app lacks a scope or permission, or its egress IP is not trusted",
  UNSUPPORTED_OPERATION: "the connection's provider cannot do this operation",
  UPSTREAM_RATE_LIMITED: "the provider's rate limit, after retries; `Retry-After` says when to try again",
  UPSTREAM_AUTH_FAILED: "the provider rejected the app's credentials (after one re-read of the secret)",
  UPSTREAM_ERROR: "an upstream error dirgate does not recognise; `upstream.code` keeps it",
  UPSTREAM_UNAVAILABLE: "the provider (or the secret store) failed after retries",
  UPSTREAM_TIMEOUT: "no answer within the attempt timeout or the Lambda deadline",
  CONFIG_INVALID: "the connection's secret fails its schema (the detail names fields, never values)",
  INTERNAL: "a bug: the detail says nothing more; quote `requestId`",
};

const codeList = (codes: readonly ErrorCode[]) => codes.map((c) => `\`${c}\`: ${MEANING[c]}`).join("; ");

const GATEWAY_ANSWERS: Partial<Record<number, { message: string; when: string }>> = {
  401: {
    message: "Unauthorized",
    when: "JWT deployments: the token is missing, expired or not for this API",
  },
  403: {
    message: "Forbidden",
    when: "IAM deployments: the request is not signed, its signature is wrong, or the principal may not invoke the API",
  },
  413: { message: "Request Entity Too Large", when: "the body is over 10 MB" },
  500: { message: "Internal Server Error", when: "the function crashed or timed out" },
  503: { message: "Service Unavailable", when: "the integration did not answer in 30 s" },
};

/** An error answer: a problem narrowed to its status and codes (one example each), and API Gateway's own. */
function problemResponse(
  status: number,
  codes: readonly ErrorCode[],
  options: { headers?: Json; gateway?: boolean; note?: string } = {},
): Json {
  const gateway = options.gateway ? GATEWAY_ANSWERS[status] : undefined;
  const description = [
    codeList(codes),
    options.note,
    gateway
      ? `API Gateway answers this status itself (\`application/json\` \`{"message": "${gateway.message}"}\`) when ${gateway.when}.`
      : undefined,
  ]
    .filter(Boolean)
    .join(". ");
  return {
    description: `${description}.`,
    ...(options.headers ? { headers: options.headers } : {}),
    content: {
      "application/problem+json": {
        schema: {
          allOf: [
            { $ref: `${SCHEMAS}Problem` },
            {
              type: "object",
              required: ["status", "code"],
              properties: {
                status: { const: status },
                code: codes.length === 1 ? { const: codes[0] } : { enum: [...codes] },
              },
            },
          ],
        },
        examples: Object.fromEntries(codes.map((code) => [code, { value: { ...problem(code), status } }])),
      },
      ...(gateway
        ? {
            "application/json": {
              schema: { $ref: `${SCHEMAS}GatewayMessage` },
              example: { message: gateway.message },
            },
          }
        : {}),
    },
  };
}

const RETRY_AFTER = {
  description: "Seconds to wait before trying again (300 after a DingTalk IP ban)",
  schema: { type: "integer", minimum: 1, maximum: 86_400 },
  example: 30,
};

/** The error answers operations share (`components.responses`), by name. */
const RESPONSES: Record<string, Json> = {
  InvalidRequest: problemResponse(400, ["INVALID_REQUEST"]),
  Unauthenticated: {
    description: `No valid caller credentials: API Gateway answers this itself, before dirgate runs (\`{"message": "Unauthorized"}\`) when ${GATEWAY_ANSWERS[401]!.when}.`,
    content: {
      "application/json": {
        schema: { $ref: `${SCHEMAS}GatewayMessage` },
        example: { message: "Unauthorized" },
      },
    },
  },
  Forbidden: problemResponse(403, ["FORBIDDEN", "PROVIDER_PERMISSION_DENIED"], { gateway: true }),
  MethodNotAllowed: problemResponse(405, ["METHOD_NOT_ALLOWED"], {
    headers: { Allow: ref("headers", "Allow") },
    note: 'Answered by the local server; in AWS, API Gateway answers a method the path does not take with its own 404 (`{"message": "Not Found"}`)',
  }),
  ContentTooLarge: problemResponse(413, ["REQUEST_TOO_LARGE"], { gateway: true }),
  UriTooLong: problemResponse(414, ["REQUEST_TOO_LARGE"], {
    note: "API Gateway's limit: 10 240 bytes for the request line and the header values together",
  }),
  RateLimited: problemResponse(429, ["UPSTREAM_RATE_LIMITED"], {
    headers: { "Retry-After": ref("headers", "RetryAfter") },
  }),
  HeadersTooLarge: problemResponse(431, ["REQUEST_TOO_LARGE"], {
    note: "API Gateway's limit: 10 240 bytes for the request line and the header values together",
  }),
  ServerError: problemResponse(500, ["CONFIG_INVALID", "INTERNAL"], { gateway: true }),
  InternalError: problemResponse(500, ["INTERNAL"], { gateway: true }),
  Unsupported: problemResponse(501, ["UNSUPPORTED_OPERATION"]),
  BadGateway: problemResponse(502, ["UPSTREAM_AUTH_FAILED", "UPSTREAM_ERROR"]),
  Unavailable: problemResponse(503, ["UPSTREAM_UNAVAILABLE"], {
    headers: { "Retry-After": ref("headers", "RetryAfterWhenKnown") },
    note: "`Retry-After` when upstream said how long to wait",
    gateway: true,
  }),
  Timeout: problemResponse(504, ["UPSTREAM_TIMEOUT"]),
};

/** Answers every route can get before any function runs: a method it does not take, a request over the limits. */
const ANY_ROUTE = {
  "405": ref("responses", "MethodNotAllowed"),
  "413": ref("responses", "ContentTooLarge"),
  "414": ref("responses", "UriTooLong"),
  "431": ref("responses", "HeadersTooLarge"),
};

function describe(schema: Json) {
  return typeof schema["description"] === "string" ? { description: schema["description"] } : {};
}

const example = (name: string) =>
  PARAMETER_EXAMPLES[name] !== undefined ? { example: PARAMETER_EXAMPLES[name] } : {};

function parameters(op: OperationDescriptor): Json[] {
  const shape = op.input.shape as Record<string, z.ZodType>;
  const out: Json[] = [];
  const one = (field: z.ZodType) => {
    const { $schema: _drop, ...schema } = z.toJSONSchema(field, {
      io: "input",
      unrepresentable: "any",
    }) as Json;
    return schema;
  };
  for (const name of pathParameters(op.http.path)) {
    if (name === "connection") {
      out.push(ref("parameters", "connection"));
      continue;
    }
    const schema = one(shape[name]!);
    out.push({ name, in: "path", required: true, ...describe(schema), schema, ...example(name) });
  }
  for (const name of Object.keys(op.http.query ?? {})) {
    const field = shape[name]!;
    const schema = one(field);
    out.push({
      name,
      in: "query",
      required: !field.safeParse(undefined).success,
      ...describe(schema),
      schema,
      ...example(name),
    });
  }
  return out;
}

/** The JSON body of a POST operation: the input fields that are neither path nor query fields. */
function bodySchema(op: OperationDescriptor): z.ZodType | undefined {
  if (op.http.method !== "POST") return undefined;
  const skip = new Set([...pathParameters(op.http.path), ...Object.keys(op.http.query ?? {})]);
  return z.strictObject(
    Object.fromEntries(Object.entries(op.input.shape).filter(([name]) => !skip.has(name))),
  );
}

/** The 404 of an operation: an unknown connection, and what else the operation can miss. */
function notFound(op: OperationDescriptor): Json {
  const codes: ErrorCode[] = [
    "CONNECTION_NOT_FOUND",
    ...op.errors.filter((c) => ERROR_CODES[c] === 404 && c !== "CONNECTION_NOT_FOUND"),
  ];
  return problemResponse(404, codes);
}

const OPERATION_ERRORS = {
  "400": ref("responses", "InvalidRequest"),
  "401": ref("responses", "Unauthenticated"),
  "403": ref("responses", "Forbidden"),
};

const OPERATION_FAILURES = {
  "429": ref("responses", "RateLimited"),
  "500": ref("responses", "ServerError"),
  "501": ref("responses", "Unsupported"),
  "502": ref("responses", "BadGateway"),
  "503": ref("responses", "Unavailable"),
  "504": ref("responses", "Timeout"),
};

const sortStatuses = (responses: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));

const INFO_DESCRIPTION = `One API to find people in an organisation's workplace directory: DingTalk, Feishu/Lark, WeCom and EIAM (Bamboocloud IDaaS / Huawei OneAccess). One normalised answer (\`DirectoryUser\`, \`DirectoryDepartment\`) whichever directory the organisation runs on; one connection per provider app and organisation, its credentials in a secret of its own.

**Authentication.** A deployment signs requests with AWS Signature Version 4 (IAM, the default) or takes a JWT (when it is deployed with a JWT authorizer): each lookup operation accepts the one the deployment uses. Health, this document, the reference page and the provider callbacks are public (a callback is authenticated by the provider's own signature). The local API (\`npm start\`) takes no credentials.

**Errors** are RFC 9457 problem documents (\`application/problem+json\`) with a stable \`code\` (codes are added, never renamed), a \`requestId\`, \`upstream\` when the provider spoke and \`errors\` for invalid fields. The same mistake gets the same status and code on every route and provider. Answers API Gateway gives itself, before dirgate runs, are \`application/json\` \`{"message": …}\`.

| code | status | meaning |
|---|---|---|
${(Object.keys(ERROR_CODES) as ErrorCode[])
  .map(
    (c) => `| \`${c}\` | ${c === "REQUEST_TOO_LARGE" ? "413, 414, 431" : ERROR_CODES[c]} | ${MEANING[c]} |`,
  )
  .join("\n")}

**Lists** are \`{ "items": [...], "nextPageToken": "…" | null }\`: pass \`nextPageToken\` back as \`pageToken\` (URL-encoded) with the same query until it is \`null\`. A page may hold fewer than \`pageSize\` items.

**Try it** on the reference page (\`/docs\`) sends requests to the API that serves the page: the local API as it is, a deployment with a JWT (IAM signatures cannot be made in a browser).`;

export function buildOpenApiDocument(version = "0.1.0"): Json {
  const support = supportMatrix();

  const bodies = new Map<string, z.ZodType>();
  const outputs = new Map<string, z.ZodType>();
  for (const name of OPERATION_NAMES) {
    const op: OperationDescriptor = OPERATIONS[name];
    const body = bodySchema(op);
    if (body) bodies.set(`${name}Body`, body);
    outputs.set(`${name}Answer`, op.output);
  }
  const inputSchemas = convert(INPUT_COMPONENTS, bodies, "input");
  const outputSchemas = convert(OUTPUT_COMPONENTS, outputs, "output");

  const paths: Record<string, Record<string, unknown>> = {};
  const at = (path: string) => {
    paths[path] ??= {};
    return paths[path]!;
  };

  for (const name of OPERATION_NAMES) {
    const op: OperationDescriptor = OPERATIONS[name];
    const providers = support[name] ?? {};
    const body = inputSchemas[`${name}Body`];
    const bodyExamples = BODY_EXAMPLES[name];
    at(op.http.path)[op.http.method.toLowerCase()] = {
      operationId: op.name,
      summary: op.summary,
      description: [
        op.description,
        `Providers: ${
          Object.entries(providers)
            .map(([p, upstream]) => `${p} (${upstream})`)
            .join("; ") || "none"
        }; the others answer 501 UNSUPPORTED_OPERATION.`,
        "include" in op.input.shape && "idsOnly" in op.input.shape
          ? "`include=raw` with `idsOnly: true` is refused (400): an ids-only answer has no upstream record to add."
          : undefined,
      ]
        .filter(Boolean)
        .join("\n\n"),
      "x-providers": Object.keys(providers),
      tags: ["lookups"],
      security: [{ jwt: [] }, { awsSigV4: [] }],
      parameters: parameters(op),
      ...(body
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": { schema: body, ...(bodyExamples ? { examples: bodyExamples } : {}) },
              },
            },
          }
        : {}),
      responses: sortStatuses({
        "200": {
          description: "OK",
          content: {
            "application/json": { schema: outputSchemas[`${name}Answer`], examples: OUTPUT_EXAMPLES[name] },
          },
        },
        ...OPERATION_ERRORS,
        "404": notFound(op),
        ...ANY_ROUTE,
        ...OPERATION_FAILURES,
      }),
    };
  }

  for (const route of CALLBACK_ROUTES) {
    at(route.path)[route.method.toLowerCase()] = {
      operationId: route.method === "GET" ? "callbackVerification" : "callback",
      summary: route.summary,
      description:
        'Public (no IAM/JWT): register this URL in the provider\'s console. Authenticated by the provider\'s own signature with the connection\'s `callback` credentials; the answer is in the provider\'s format (DingTalk: the encrypted `success`; Feishu: `{"challenge"}` or `{"msg":"success"}`; WeCom: the decrypted echostr, or an empty 200). An unknown connection is answered like a bad signature (401), so connections cannot be enumerated.',
      tags: ["callbacks"],
      security: [],
      parameters: [ref("parameters", "connection")],
      ...(route.method === "POST"
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    description: "DingTalk or Feishu: the encrypted envelope",
                    properties: { encrypt: { type: "string" } },
                  },
                },
                "text/xml": {
                  schema: { type: "string", description: "WeCom: <xml><Encrypt>…</Encrypt></xml>" },
                },
              },
            },
          }
        : {}),
      responses: sortStatuses({
        "200": {
          description: "Accepted (and queued) in the provider's format",
          content: {
            "application/json": { schema: { type: "object" } },
            "text/plain": { schema: { type: "string" } },
          },
        },
        "400": problemResponse(400, ["INVALID_REQUEST"], {
          note: "a malformed envelope, XML with a DOCTYPE",
        }),
        "401": problemResponse(401, ["UNAUTHENTICATED"]),
        ...ANY_ROUTE,
        "413": problemResponse(413, ["REQUEST_TOO_LARGE"], {
          note: "a callback body is at most 64 KB",
          gateway: true,
        }),
        "500": ref("responses", "ServerError"),
        "503": problemResponse(503, ["UPSTREAM_UNAVAILABLE"], {
          note: "the change could not be stored, or the secret store failed: the provider retries",
          gateway: true,
        }),
        "504": ref("responses", "Timeout"),
      }),
    };
  }

  const META: Record<
    string,
    { operationId: string; description: string; ok: Json; parameters?: Json[]; extra?: Json }
  > = {
    "/v1/health": {
      operationId: "health",
      description: "Answers without touching a secret or a provider: the function is deployed and runs.",
      ok: { description: "OK", content: { "application/json": { schema: ref("schemas", "Health") } } },
    },
    "/v1/openapi.json": {
      operationId: "openapi",
      description:
        "This document: generated from the operation table (the schemas that validate requests), committed, served as committed.",
      ok: {
        description: "This document",
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["openapi", "info", "paths"],
              properties: {
                openapi: { const: "3.1.0" },
                info: { type: "object" },
                paths: { type: "object" },
              },
            },
          },
        },
      },
    },
    "/docs": {
      operationId: "docs",
      description:
        'Every operation with its parameters, bodies, schemas, answers, examples and auth, and "try it" against the API that serves the page. Served with its own Content-Security-Policy: scripts and connections from this origin only.',
      ok: {
        description:
          "The reference page: rendered in the browser from this document (the renderer is served by `/docs/assets/{file}`); without JavaScript, a list of the operations",
        content: { "text/html": { schema: { type: "string" } } },
      },
    },
    "/docs/assets/{file}": {
      operationId: "docsAsset",
      description:
        "The page's bootstrap script and the renderer (Scalar's standalone bundle, served by dirgate itself: no CDN).",
      parameters: [
        {
          name: "file",
          in: "path",
          required: true,
          description: "An asset of the reference page",
          schema: { type: "string", enum: ["dirgate-docs.js", "scalar.js"] },
          example: "dirgate-docs.js",
        },
        {
          name: "v",
          in: "query",
          required: false,
          description:
            "The asset's content hash, as the page names it: the answer is then cacheable for a year",
          schema: { type: "string" },
        },
      ],
      ok: {
        description: "The script (gzipped when the request accepts gzip)",
        content: { "text/javascript": { schema: { type: "string" } } },
      },
      extra: { "404": problemResponse(404, ["ROUTE_NOT_FOUND"]) },
    },
  };
  for (const route of META_ROUTES) {
    const meta = META[route.path]!;
    at(route.path)[route.method.toLowerCase()] = {
      operationId: meta.operationId,
      summary: route.summary,
      description: meta.description,
      tags: ["meta"],
      security: [],
      parameters: meta.parameters ?? [],
      responses: sortStatuses({
        "200": meta.ok,
        ...meta.extra,
        ...ANY_ROUTE,
        "500": ref("responses", "InternalError"),
      }),
    };
  }

  const problemSchema = outputSchemas["Problem"] as Json & { properties: Record<string, Json> };
  problemSchema["properties"] = {
    ...problemSchema.properties,
    type: {
      ...problemSchema.properties["type"],
      description: "The problem's URI: `urn:dirgate:problem:<code>`",
    },
    title: {
      ...problemSchema.properties["title"],
      description: "The code's title (the same for every answer)",
    },
    status: { type: "integer", minimum: 400, maximum: 599, description: "The HTTP status" },
    detail: { ...problemSchema.properties["detail"], description: "What happened, for a person" },
    code: { ...problemSchema.properties["code"], description: "The stable code: program against this" },
    requestId: {
      ...problemSchema.properties["requestId"],
      description: "The request's id (the Lambda request id): quote it when you report a problem",
    },
  };
  problemSchema["example"] = problem("USER_NOT_FOUND");

  return {
    openapi: "3.1.0",
    info: {
      title: "dirgate",
      version,
      summary: "One API over workplace directories: DingTalk, Feishu/Lark, WeCom, EIAM",
      description: INFO_DESCRIPTION,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [
      {
        url: "http://127.0.0.1:3000",
        description: "The local API: `npm start`, backed by the sandbox (PORT sets the port)",
      },
      {
        url: "https://{apiId}.execute-api.{region}.{dnsSuffix}",
        description: "A deployment: the `api` output of `sst deploy`",
        variables: {
          apiId: { default: "a1b2c3d4e5", description: "The HTTP API's id" },
          region: { default: "us-east-1", description: "The AWS region, e.g. cn-north-1" },
          dnsSuffix: {
            default: "amazonaws.com",
            enum: ["amazonaws.com", "amazonaws.com.cn"],
            description: "amazonaws.com.cn in the China regions",
          },
        },
      },
    ],
    tags: [
      { name: "lookups", description: "Users and departments, from the connection's directory" },
      { name: "callbacks", description: "Where the providers push their change events" },
      { name: "meta", description: "Health, this document and its reference page: public, no credentials" },
    ],
    paths,
    components: {
      schemas: {
        ...Object.fromEntries([...OUTPUT_COMPONENTS.values()].map((name) => [name, outputSchemas[name]])),
        ...Object.fromEntries([...INPUT_COMPONENTS.values()].map((name) => [name, inputSchemas[name]])),
      },
      responses: RESPONSES,
      parameters: {
        connection: {
          name: "connection",
          in: "path",
          required: true,
          ...describe(z.toJSONSchema(ConnectionIdSchema) as Json),
          schema: (({ $schema: _drop, ...schema }) => schema)(z.toJSONSchema(ConnectionIdSchema) as Json),
          example: PARAMETER_EXAMPLES["connection"],
        },
      },
      headers: {
        RetryAfter: { ...RETRY_AFTER, required: true },
        RetryAfterWhenKnown: { ...RETRY_AFTER, required: false },
        Allow: {
          description: "The methods the path takes",
          required: true,
          schema: { type: "string" },
          example: "GET, HEAD, OPTIONS",
        },
      },
      securitySchemes: {
        awsSigV4: {
          type: "http",
          scheme: "AWS4-HMAC-SHA256",
          "x-amazon-apigateway-authtype": "awsSigv4",
          description:
            "IAM (the default): AWS Signature Version 4 for the service `execute-api`, in the `Authorization` header (`AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`) with `X-Amz-Date` (and `X-Amz-Security-Token` for temporary credentials). Any AWS SDK or `aws-sigv4-fetch` signs it; the principal needs `execute-api:Invoke` on the API.",
        },
        jwt: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "When the deployment sets DIRGATE_JWT_ISSUER: a JWT from that issuer, for one of DIRGATE_JWT_AUDIENCES, as `Authorization: Bearer <token>`. A connection's `allow` list may name JWT subjects or `scope:<name>`.",
        },
      },
    },
  };
}
