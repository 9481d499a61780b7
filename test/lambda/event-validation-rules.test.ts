import { DirgateError, OPERATIONS } from "@dirgate/core";
import { eventKind, readDirectRequest, readHttpRequest, validateRequest } from "@dirgate/lambda";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { invalidRequest, readQueryValue } from "../../packages/lambda/src/event.ts";

/**
 * How a request is read and validated before anything goes upstream (packages/lambda/src/event.ts):
 * which event kind it is, where each field comes from (path, query, JSON body), how query text is
 * parsed, and the one INVALID_REQUEST that names every bad field by where it was.
 */
function http(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: "",
    headers: {},
    requestContext: { http: { method: "GET" } } as APIGatewayProxyEventV2["requestContext"],
    isBase64Encoded: false,
    ...overrides,
  } as APIGatewayProxyEventV2;
}
const json = (body: unknown, type = "application/json") =>
  http({ headers: { "content-type": type }, body: JSON.stringify(body) });
const byMobile = (event: APIGatewayProxyEventV2) =>
  readHttpRequest(OPERATIONS.userByMobile, { ...event, pathParameters: { connection: "acme" } });
const departmentUsers = (query: Record<string, string>, departmentId = "5") =>
  readHttpRequest(
    OPERATIONS.departmentUsers,
    http({ pathParameters: { connection: "acme", departmentId }, queryStringParameters: query }),
  );

function invalid(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DirgateError);
    return error as DirgateError;
  }
  throw new Error("expected INVALID_REQUEST");
}

describe("eventKind", () => {
  it("tells API Gateway (payload 2.0), SQS and direct invocations apart", () => {
    expect(eventKind(http())).toBe("http");
    expect(eventKind({ version: "1.0", requestContext: { http: { method: "GET" } } })).toBe("direct");
    expect(eventKind({ version: "2.0", requestContext: {} })).toBe("direct");
    expect(eventKind({ version: "2.0" })).toBe("direct");
    expect(eventKind({ Records: [{ eventSource: "aws:sqs" }] })).toBe("sqs");
    expect(eventKind({ Records: [{ eventSource: "aws:sns" }] })).toBe("direct");
    expect(eventKind({ Records: [] })).toBe("direct");
    expect(eventKind({ Records: "aws:sqs" })).toBe("direct");
    expect(eventKind({ connection: "acme", mobile: "1" })).toBe("direct");
    expect(eventKind(null)).toBe("direct");
    expect(eventKind(undefined)).toBe("direct");
  });
});

describe("readQueryValue", () => {
  it("reads whole numbers strictly: decimal digits, no sign, no exponent, at most 9 digits", () => {
    expect(readQueryValue("integer", "0")).toEqual({ ok: true, value: 0 });
    expect(readQueryValue("integer", "50")).toEqual({ ok: true, value: 50 });
    expect(readQueryValue("integer", "999999999")).toEqual({ ok: true, value: 999_999_999 });
    for (const text of ["", "01", "-1", "+1", "1e3", "0x10", "1.5", " 1", "1 ", "1000000000", "abc"]) {
      expect(readQueryValue("integer", text), text).toEqual({ ok: false, message: "must be a whole number" });
    }
  });

  it("reads booleans as exactly true or false", () => {
    expect(readQueryValue("boolean", "true")).toEqual({ ok: true, value: true });
    expect(readQueryValue("boolean", "false")).toEqual({ ok: true, value: false });
    for (const text of ["", "TRUE", "1", "yes", "false "]) {
      expect(readQueryValue("boolean", text), text).toEqual({ ok: false, message: "must be true or false" });
    }
  });

  it("keeps strings as they are", () => {
    expect(readQueryValue("string", " a b ")).toEqual({ ok: true, value: " a b " });
  });
});

describe("readHttpRequest", () => {
  it("takes path parameters (not the connection) and parsed query fields, saying where each came from", () => {
    const parts = departmentUsers({ recursive: "true", pageSize: "20", idType: "unionId" });
    expect(parts).toEqual({
      via: "http",
      connection: "acme",
      fields: { departmentId: "5", recursive: true, pageSize: 20, idType: "unionId" },
      where: { departmentId: "path", recursive: "query", pageSize: "query", idType: "query" },
      issues: [],
      complete: true,
    });
  });

  it("names unknown and unreadable query fields", () => {
    const parts = departmentUsers({ pageSize: "ten", recursive: "yes", colour: "red", toString: "x" });
    expect(parts.issues).toEqual([
      { path: "query.pageSize", message: "must be a whole number" },
      { path: "query.recursive", message: "must be true or false" },
      { path: "query.colour", message: "is not a known field" },
      { path: "query.toString", message: "is not a known field" },
    ]);
    expect(parts.fields).toEqual({ departmentId: "5" });
  });

  it("reads a JSON body (any +json type, base64 or not) into the fields", () => {
    expect(byMobile(json({ mobile: "13800138000", idsOnly: true })).fields).toEqual({
      mobile: "13800138000",
      idsOnly: true,
    });
    expect(byMobile(json({ mobile: "1" }, "application/merge-patch+json; charset=utf-8")).issues).toEqual([]);
    expect(byMobile(json({ mobile: "1" }, "Application/JSON")).issues).toEqual([]);
    const encoded = http({
      headers: { "content-type": "application/json" },
      body: Buffer.from('{"mobile":"139"}').toString("base64"),
      isBase64Encoded: true,
    });
    expect(byMobile(encoded).fields).toEqual({ mobile: "139" });
    expect(byMobile(encoded).where).toEqual({ mobile: "body" });
  });

  it.each([
    [http({ headers: { "content-type": "application/json" } }), "body", "a JSON body is required"],
    [http({ headers: { "content-type": "application/json" }, body: "" }), "body", "a JSON body is required"],
    [
      http({ headers: { "content-type": "text/plain" }, body: "{}" }),
      "headers.content-type",
      "must be application/json",
    ],
    [http({ headers: {}, body: "{}" }), "headers.content-type", "must be application/json"],
    [
      http({ headers: { "content-type": "application/jsonx" }, body: "{}" }),
      "headers.content-type",
      "must be application/json",
    ],
    [
      http({ headers: { "content-type": "x-application/json" }, body: "{}" }),
      "headers.content-type",
      "must be application/json",
    ],
    [http({ headers: { "content-type": "application/json" }, body: "{" }), "body", "is not valid JSON"],
    [http({ headers: { "content-type": "application/json" }, body: "[]" }), "body", "must be a JSON object"],
    [
      http({ headers: { "content-type": "application/json" }, body: "null" }),
      "body",
      "must be a JSON object",
    ],
    [http({ headers: { "content-type": "application/json" }, body: '"x"' }), "body", "must be a JSON object"],
  ])("refuses a body that cannot be read (%#), and marks the request incomplete", (event, path, message) => {
    const parts = byMobile(event);
    expect(parts.issues).toEqual([{ path, message }]);
    expect(parts.complete).toBe(false);
    expect(parts.fields).toEqual({});
  });

  it("refuses body fields that belong to the path or the query, and the connection", () => {
    const parts = readHttpRequest(OPERATIONS.userByMobile, {
      ...json({ mobile: "1", include: "raw", connection: "other" }),
      pathParameters: { connection: "acme" },
      queryStringParameters: { include: "raw" },
    });
    expect(parts.issues).toEqual([
      { path: "body.include", message: "is not a known field" },
      { path: "body.connection", message: "is not a known field" },
    ]);
    expect(parts.fields).toEqual({ include: "raw", mobile: "1" });
    expect(parts.connection).toBe("acme");
  });

  it("reads no body for a GET", () => {
    const parts = readHttpRequest(OPERATIONS.userById, {
      ...json({ mobile: "1" }),
      pathParameters: { connection: "acme", userId: "u1" },
    });
    expect(parts.fields).toEqual({ userId: "u1" });
    expect(parts.issues).toEqual([]);
  });
});

describe("readDirectRequest", () => {
  it("takes the connection and the fields by their HTTP names, query text parsed, JSON values kept", () => {
    const parts = readDirectRequest(OPERATIONS.departmentUsers, {
      connection: "acme",
      departmentId: "5",
      pageSize: "20",
      recursive: true,
      pageToken: "dg1.x",
    });
    expect(parts).toEqual({
      via: "direct",
      connection: "acme",
      fields: { departmentId: "5", pageSize: 20, recursive: true, pageToken: "dg1.x" },
      where: {},
      issues: [],
    });
  });

  it("names a query field whose text cannot be read, by its bare name", () => {
    expect(readDirectRequest(OPERATIONS.departmentUsers, { pageSize: "many" }).issues).toEqual([
      { path: "pageSize", message: "must be a whole number" },
    ]);
  });

  it("keeps the connection it was given over one in the payload (a batch record's)", () => {
    const parts = readDirectRequest(OPERATIONS.userByMobile, { connection: "other", mobile: "1" }, "acme");
    expect(parts.connection).toBe("acme");
    expect(parts.fields).toEqual({ connection: "other", mobile: "1" });
  });

  it.each([null, undefined, "text", 42, [1, 2]])("refuses a payload that is not an object: %j", (payload) => {
    expect(readDirectRequest(OPERATIONS.userByMobile, payload, "acme")).toEqual({
      via: "direct",
      connection: "acme",
      fields: {},
      where: {},
      issues: [{ path: "(event)", message: "expected an object with connection and the operation's input" }],
    });
  });
});

describe("validateRequest", () => {
  it("returns the connection and the input with its defaults", () => {
    const parts = departmentUsers({});
    const { connection, input } = validateRequest("departmentUsers", parts);
    expect(connection).toBe("acme");
    expect(input).toMatchObject({ departmentId: "5", recursive: false, idType: "userId" });
  });

  it("names every problem at once, each by where it was, in one INVALID_REQUEST", () => {
    const parts = readHttpRequest(OPERATIONS.userByMobile, {
      ...json({ mobile: "1", colour: "red", idsOnly: "yes" }),
      pathParameters: { connection: "bad id!" },
      queryStringParameters: { shape: "round" },
    });
    const error = invalid(() => validateRequest("userByMobile", parts));
    expect(error.code).toBe("INVALID_REQUEST");
    const paths = error.details?.map((d) => d.path) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining([
        "query.shape",
        "path.connection",
        "body.mobile",
        "body.idsOnly",
        "body.colour",
      ]),
    );
    expect(error.details).toContainEqual({ path: "body.colour", message: "is not a known field" });
    expect(error.details).toContainEqual({
      path: "path.connection",
      message: "letters, digits, - and _ only (at most 64)",
    });
    expect(error.message).toBe(
      `invalid request: ${error.details?.map((d) => `${d.path} ${d.message}`).join("; ")}`,
    );
  });

  it("says a missing connection is required; a direct one is named `connection`", () => {
    const direct = readDirectRequest(OPERATIONS.userByMobile, { mobile: "13800138000" });
    expect(invalid(() => validateRequest("userByMobile", direct)).details).toEqual([
      { path: "connection", message: "is required" },
    ]);
    const wrong = readDirectRequest(OPERATIONS.userByMobile, { mobile: "13800138000", connection: 42 });
    expect(invalid(() => validateRequest("userByMobile", wrong)).details?.[0]?.path).toBe("connection");
  });

  it("does not list the fields of a body it could not read, only why", () => {
    const parts = byMobile(http({ headers: { "content-type": "application/json" }, body: "{" }));
    expect(invalid(() => validateRequest("userByMobile", parts)).details).toEqual([
      { path: "body", message: "is not valid JSON" },
    ]);
  });

  it("refuses a request whose only problem is one the reader found", () => {
    const parts = { ...departmentUsers({}), issues: [{ path: "query.x", message: "is not a known field" }] };
    expect(invalid(() => validateRequest("departmentUsers", parts)).details).toEqual([
      { path: "query.x", message: "is not a known field" },
    ]);
  });

  it("names a rule across fields by the field it is about, and unknown direct fields by name", () => {
    const parts = readDirectRequest(OPERATIONS.userByMobile, {
      connection: "acme",
      mobile: "13800138000",
      idsOnly: true,
      include: "raw",
      extra: 1,
    });
    const details = invalid(() => validateRequest("userByMobile", parts)).details ?? [];
    expect(details).toContainEqual({ path: "extra", message: "is not a known field" });
    expect(details.map((d) => d.path)).toContain("include");
    const viaHttp = readHttpRequest(OPERATIONS.userByMobile, {
      ...json({ mobile: "13800138000", idsOnly: true }),
      pathParameters: { connection: "acme" },
      queryStringParameters: { include: "raw" },
    });
    expect(invalid(() => validateRequest("userByMobile", viaHttp)).details?.map((d) => d.path)).toEqual([
      "query.include",
    ]);
  });

  it("invalidRequest: the details, and a message listing them", () => {
    expect(invalidRequest([{ path: "a", message: "is bad" }])).toMatchObject({
      code: "INVALID_REQUEST",
      message: "invalid request: a is bad",
      details: [{ path: "a", message: "is bad" }],
    });
  });
});
