import { readFileSync } from "node:fs";
import { ROUTES } from "@dirgate/core";
import { buildOpenApiDocument } from "@dirgate/dev";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CLIENT_TYPES_PATH, generateClientTypes } from "../../packages/dev/src/client-types.ts";
import { checkAnswer, DOCUMENT, validateAt } from "../helpers/openapi-check.ts";

type Json = Record<string, any>;
const root = new URL("../../", import.meta.url);
const doc = buildOpenApiDocument() as Json;
const LOOKUPS = ROUTES.filter((r) => r.operation !== undefined);
const op = (path: string, method = "get") => doc["paths"][path][method] as Json;
const resolve = (value: Json): Json => {
  if (typeof value["$ref"] !== "string") return value;
  return resolve(
    value["$ref"]
      .slice(2)
      .split("/")
      .reduce((at: Json, part: string) => at[part.replace(/~1/g, "/")], doc),
  );
};

describe("OpenAPI document", () => {
  it("is committed fresh: docs/openapi.json equals what the route table generates (run `npm run openapi`)", () => {
    const committed = JSON.parse(readFileSync(new URL("docs/openapi.json", root), "utf8"));
    expect(committed).toEqual(doc);
  });

  it("documents every route, its parameters and its body", () => {
    for (const route of ROUTES)
      expect(doc["paths"][route.path]?.[route.method.toLowerCase()], route.path).toBeDefined();
    const list = op("/v1/connections/{connection}/departments/{departmentId}/users");
    expect(list["parameters"]).toEqual(
      expect.arrayContaining([
        { $ref: "#/components/parameters/connection" },
        expect.objectContaining({ name: "pageSize", in: "query", required: false }),
        expect.objectContaining({ name: "pageToken", in: "query", required: false }),
      ]),
    );
    expect(op("/v1/connections/{connection}/users/by-mobile", "post")["requestBody"]).toBeDefined();
  });

  it("types integers as integers, with their bounds, and enums as enums", () => {
    for (const path of [
      "/v1/connections/{connection}/departments/{departmentId}/users",
      "/v1/connections/{connection}/departments/{departmentId}/children",
    ]) {
      const pageSize = op(path)["parameters"].find((p: Json) => p["name"] === "pageSize");
      expect(pageSize["schema"]).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 50 });
      const recursive = op(path)["parameters"].find((p: Json) => p["name"] === "recursive");
      expect(recursive["schema"]).toMatchObject({ type: "boolean", default: false });
    }
    const idType = op("/v1/connections/{connection}/users/{userId}")["parameters"].find(
      (p: Json) => p["name"] === "idType",
    );
    expect(idType["schema"]["enum"]).toEqual(["userId", "loginId", "openId", "unionId"]);
    expect(doc["components"]["schemas"]["Problem"]["properties"]["status"]).toMatchObject({
      type: "integer",
    });
  });

  it("shares schemas by $ref: each component is written once", () => {
    const text = JSON.stringify(doc);
    // A property only DirectoryUser has, and one only Problem has.
    expect(text.match(/"exclusiveAccount":\{/g)).toHaveLength(1);
    expect(text.match(/"The invalid fields, for INVALID_REQUEST"/g)).toHaveLength(1);
    expect(Object.keys(doc["components"]["schemas"])).toEqual(
      expect.arrayContaining([
        "DirectoryUser",
        "UserRef",
        "UserPage",
        "DirectoryDepartment",
        "Problem",
        "LookupItem",
      ]),
    );
  });

  it("documents on every lookup what API Gateway and the local server answer before it runs, and its failures", () => {
    for (const route of LOOKUPS) {
      const responses = op(route.path, route.method.toLowerCase())["responses"] as Json;
      expect(Object.keys(responses).sort(), route.path).toEqual(
        [
          "200",
          "400",
          "401",
          "403",
          "404",
          "405",
          "413",
          "414",
          "429",
          "431",
          "500",
          "501",
          "502",
          "503",
          "504",
        ].sort(),
      );
      expect(resolve(responses["429"])["headers"]["Retry-After"]).toEqual({
        $ref: "#/components/headers/RetryAfter",
      });
      expect(resolve(responses["405"])["headers"]["Allow"]).toEqual({ $ref: "#/components/headers/Allow" });
    }
    expect(doc["components"]["headers"]["RetryAfter"]).toMatchObject({
      required: true,
      schema: { type: "integer", minimum: 1 },
    });
    expect(doc["components"]["headers"]["Allow"]).toMatchObject({ required: true });
    // REQUEST_TOO_LARGE is 413, 414 or 431: each response narrows the status.
    for (const [name, status] of [
      ["ContentTooLarge", 413],
      ["UriTooLong", 414],
      ["HeadersTooLarge", 431],
    ] as const) {
      const schema = doc["components"]["responses"][name]["content"]["application/problem+json"]["schema"];
      expect(schema["allOf"][1]["properties"]).toEqual({
        status: { const: status },
        code: { const: "REQUEST_TOO_LARGE" },
      });
    }
  });

  it("names its servers and describes SigV4 and JWT as HTTP authentication schemes", () => {
    expect(doc["servers"].map((s: Json) => s["url"])).toEqual([
      "http://127.0.0.1:3000",
      "https://{apiId}.execute-api.{region}.{dnsSuffix}",
    ]);
    expect(doc["components"]["securitySchemes"]).toMatchObject({
      awsSigV4: { type: "http", scheme: "AWS4-HMAC-SHA256" },
      jwt: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    });
    for (const route of LOOKUPS)
      expect(op(route.path, route.method.toLowerCase())["security"]).toEqual([{ jwt: [] }, { awsSigV4: [] }]);
  });

  it("has examples that validate against their schemas", () => {
    let checked = 0;
    const walk = (value: unknown, pointer: string) => {
      if (!value || typeof value !== "object") return;
      const node = value as Json;
      if (node["schema"] && (node["examples"] || node["example"] !== undefined)) {
        const examples = node["examples"]
          ? Object.values(node["examples"] as Record<string, Json>).map((e) => e["value"])
          : [node["example"]];
        for (const example of examples) {
          expect(validateAt(`${pointer}/schema`, example), pointer).toEqual([]);
          checked += 1;
        }
      }
      for (const [key, inner] of Object.entries(node))
        walk(inner, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
    };
    walk(DOCUMENT, "");
    expect(checked).toBeGreaterThan(50);
  });
});

describe("the contract check (test/helpers/openapi-check.ts) catches an answer the document does not allow", () => {
  const problem = (code: string, status: number) => ({
    type: "urn:x",
    title: "t",
    status,
    detail: "d",
    code,
    requestId: "r",
  });
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    method: "GET",
    path: "/v1/connections/demo-dingtalk/users/zhangsan",
    routeKey: "GET /v1/connections/{connection}/users/{userId}",
    status,
    headers: { "content-type": "application/problem+json", ...headers },
    body: JSON.stringify(body),
  });

  it.each([
    ["an undocumented status", answer(418, problem("INTERNAL", 418))],
    ["a code the status does not have", answer(404, problem("DEPARTMENT_NOT_FOUND", 404))],
    ["a 429 without Retry-After", answer(429, problem("UPSTREAM_RATE_LIMITED", 429))],
    ["a 405 without Allow", answer(405, problem("METHOD_NOT_ALLOWED", 405))],
    ["a problem body with a field too many", answer(400, { ...problem("INVALID_REQUEST", 400), stack: "…" })],
    [
      "a user missing a required field",
      {
        ...answer(200, { provider: "dingtalk", connection: "c", id: "x" }),
        headers: { "content-type": "application/json" },
      },
    ],
    ["an undeclared content type", { ...answer(200, {}), headers: { "content-type": "text/html" } }],
    ["an unknown path that is not a 404 problem", { ...answer(200, {}), path: "/v2/x", routeKey: undefined }],
  ])("%s", (_name, bad) => {
    expect(checkAnswer(bad).mismatches).not.toEqual([]);
  });

  it("and passes the API's own answers", () => {
    const ok = answer(429, problem("UPSTREAM_RATE_LIMITED", 429), { "retry-after": "30" });
    expect(checkAnswer(ok).mismatches).toEqual([]);
    const methodNotAllowed = {
      ...answer(405, problem("METHOD_NOT_ALLOWED", 405), { allow: "GET, HEAD, OPTIONS" }),
      method: "DELETE",
      routeKey: undefined,
    };
    expect(checkAnswer(methodNotAllowed)).toMatchObject({ operation: "userById", mismatches: [] });
  });
});

describe("the typed client (openapi-typescript + openapi-fetch)", () => {
  it(`is committed fresh: ${CLIENT_TYPES_PATH} is what openapi-typescript generates (run \`npm run openapi\`)`, async () => {
    const committed = readFileSync(new URL(CLIENT_TYPES_PATH, root), "utf8");
    expect(committed).toBe(await generateClientTypes(doc));
  });

  it("docs/client/example.ts compiles under tsc --strict (its own tsconfig, as a client project)", () => {
    const configPath = new URL("docs/client/tsconfig.json", root).pathname;
    const config = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
      },
    )!;
    expect(config.options.strict).toBe(true);
    const program = ts.createProgram(config.fileNames, config.options);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
