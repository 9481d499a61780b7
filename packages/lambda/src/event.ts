import {
  ConnectionIdSchema,
  DirgateError,
  inputSchema,
  type OperationDescriptor,
  type OperationInput,
  type OperationName,
  pathParameters,
  type QueryKind,
} from "@dirgate/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * The event adapters: the one place that decides whether an event came through API Gateway (HTTP
 * API, payload 2.0), from SQS, or as a direct invocation, and that reads an operation's candidate
 * input out of each. Validation is the operation schema's job (input.ts).
 */
export type EventKind = "http" | "sqs" | "direct";

export function eventKind(event: unknown): EventKind {
  const e = event as Partial<APIGatewayProxyEventV2> & { Records?: { eventSource?: string }[] };
  if (e?.version === "2.0" && typeof e.requestContext?.http?.method === "string") return "http";
  if (Array.isArray(e?.Records) && e.Records[0]?.eventSource === "aws:sqs") return "sqs";
  return "direct";
}

export interface Issue {
  path: string;
  message: string;
}

/** What an event asks for, before validation: the connection and the operation's fields. */
export interface RequestParts {
  via: "http" | "direct";
  connection: unknown;
  fields: Record<string, unknown>;
  /** Where each field came from (`path`, `query`, `body`): error paths name it. Empty for direct calls. */
  where: Record<string, string>;
  issues: Issue[];
  /** False when the body could not be read at all: its fields are then not reported one by one. */
  complete?: boolean;
}

/** Reads an API Gateway event for an operation: path parameters, query string and JSON body. */
export function readHttpRequest(op: OperationDescriptor, event: APIGatewayProxyEventV2): RequestParts {
  const issues: Issue[] = [];
  const fields: Record<string, unknown> = {};
  const where: Record<string, string> = {};
  const params = event.pathParameters ?? {};
  for (const name of pathParameters(op.http.path)) {
    if (name === "connection") continue;
    fields[name] = params[name];
    where[name] = "path";
  }
  const kinds = (op.http.query ?? {}) as Record<string, QueryKind>;
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    const kind = Object.hasOwn(kinds, name) ? kinds[name] : undefined;
    if (!kind) {
      issues.push({ path: `query.${name}`, message: "is not a known field" });
      continue;
    }
    const read = readQueryValue(kind, value ?? "");
    if (read.ok) fields[name] = read.value;
    else issues.push({ path: `query.${name}`, message: read.message });
    where[name] = "query";
  }
  let complete = true;
  if (op.http.method === "POST") {
    const body = readJsonBody(event, issues);
    complete = body !== undefined;
    for (const [name, value] of Object.entries(body ?? {})) {
      if (Object.hasOwn(where, name) || Object.hasOwn(kinds, name) || name === "connection") {
        issues.push({ path: `body.${name}`, message: "is not a known field" });
        continue;
      }
      fields[name] = value;
      where[name] = "body";
    }
  }
  return { via: "http", connection: params["connection"], fields, where, issues, complete };
}

/**
 * Reads a direct invocation (Step Functions, another Lambda) or a batch record's input: the
 * operation's fields by their HTTP names, plus `connection`. Query fields may come as JSON values
 * or as the strings the query string would carry.
 */
export function readDirectRequest(
  op: OperationDescriptor,
  payload: unknown,
  connection?: unknown,
): RequestParts {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return {
      via: "direct",
      connection,
      fields: {},
      where: {},
      issues: [{ path: "(event)", message: "expected an object with connection and the operation's input" }],
    };
  }
  const issues: Issue[] = [];
  const fields: Record<string, unknown> = {};
  const kinds = (op.http.query ?? {}) as Record<string, QueryKind>;
  let found = connection;
  for (const [name, value] of Object.entries(payload as Record<string, unknown>)) {
    if (name === "connection" && connection === undefined) {
      found = value;
      continue;
    }
    const kind = Object.hasOwn(kinds, name) ? kinds[name] : undefined;
    if (kind && kind !== "string" && typeof value === "string") {
      const read = readQueryValue(kind, value);
      if (read.ok) fields[name] = read.value;
      else issues.push({ path: name, message: read.message });
      continue;
    }
    fields[name] = value;
  }
  return { via: "direct", connection: found, fields, where: {}, issues };
}

/** Query-string text → the field's value: whole numbers and booleans are parsed strictly. */
export function readQueryValue(
  kind: QueryKind,
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (kind === "integer") {
    // Decimal digits only: no `0x10`, `1e3`, signs, spaces or fractions.
    return /^(0|[1-9]\d{0,8})$/.test(text)
      ? { ok: true, value: Number(text) }
      : { ok: false, message: "must be a whole number" };
  }
  if (kind === "boolean") {
    return text === "true" || text === "false"
      ? { ok: true, value: text === "true" }
      : { ok: false, message: "must be true or false" };
  }
  return { ok: true, value: text };
}

function readJsonBody(event: APIGatewayProxyEventV2, issues: Issue[]): Record<string, unknown> | undefined {
  const type = event.headers?.["content-type"] ?? "";
  if (!event.body) {
    issues.push({ path: "body", message: "a JSON body is required" });
    return undefined;
  }
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    issues.push({ path: "headers.content-type", message: "must be application/json" });
    return undefined;
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    issues.push({ path: "body", message: "is not valid JSON" });
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ path: "body", message: "must be a JSON object" });
    return undefined;
  }
  return value as Record<string, unknown>;
}

/** A validated request: the connection id and the operation's input (defaults applied). */
export function validateRequest<N extends OperationName>(
  name: N,
  parts: RequestParts,
): { connection: string; input: OperationInput<N> } {
  const issues = [...parts.issues];
  const connection = ConnectionIdSchema.safeParse(parts.connection);
  if (!connection.success) {
    issues.push({
      path: parts.via === "http" ? "path.connection" : "connection",
      message:
        parts.connection === undefined
          ? "is required"
          : (connection.error.issues[0]?.message ?? "is not valid"),
    });
  }
  const parsed = inputSchema(name).safeParse(parts.fields);
  if (!parsed.success && parts.complete !== false) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      for (const key of keys) {
        const path = [...issue.path.map(String), ...(key ? [key] : [])];
        const source = path[0] !== undefined ? parts.where[path[0]] : undefined;
        issues.push({
          path: [source, ...path].filter(Boolean).join(".") || "(input)",
          message: key ? "is not a known field" : issue.message,
        });
      }
    }
  }
  if (!connection.success || !parsed.success || issues.length > 0) throw invalidRequest(issues);
  return { connection: connection.data, input: parsed.data };
}

export function invalidRequest(details: Issue[]): DirgateError {
  return new DirgateError(
    "INVALID_REQUEST",
    `invalid request: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`,
    { details },
  );
}
