import { appendFileSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/**
 * The contract check: every HTTP answer the suite's scenarios produce is checked against the
 * committed OpenAPI document (docs/openapi.json, which test/dev/openapi.test.ts keeps equal to
 * what the operation table generates): its status is documented for the route, its content type
 * is one the response declares (or it has no body when none is declared), its body validates
 * against that schema (JSON Schema 2020-12, as OpenAPI 3.1 says), and every required response
 * header is there and valid (`Retry-After` on 429, `Allow` on 405).
 *
 * `test/helpers/lambda.ts`' `invoke()` checks each answer of a handler, and the local API's
 * answers are checked in test/dev/local-api.test.ts: a mismatch throws, failing the test that
 * produced it. With DIRGATE_CONTRACT_LOG=<file>, each checked answer is also appended there as a
 * JSON line (how many distinct answers the suite checked: see the README).
 */

type Json = Record<string, any>;

export const DOCUMENT: Json = JSON.parse(
  readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8"),
);
const DOC_ID = "https://dirgate.invalid/openapi.json";

// ajv-formats is CommonJS: its default export is the module object under some loaders.
const addFormats = ((addFormatsModule as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;
// OpenAPI's own keywords (`example`, `discriminator`, `xml`, `externalDocs`) are not JSON Schema's.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(DOCUMENT, DOC_ID);

const compiled = new Map<string, ValidateFunction>();
function validator(pointer: string): ValidateFunction {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

/** Validates a value against the schema at a JSON pointer of the document: the errors, none when valid. */
export function validateAt(pointer: string, value: unknown): string[] {
  const validate = validator(pointer);
  return validate(value) ? [] : [errorsOf(validate)];
}

const pointerPart = (part: string) => part.replace(/~/g, "~0").replace(/\//g, "~1");

/** Follows a local `$ref` (`#/components/...`): the object and its JSON pointer. */
function resolve(value: Json, pointer: string): { value: Json; pointer: string } {
  let current = { value, pointer };
  while (typeof current.value["$ref"] === "string") {
    const target = current.value["$ref"] as string;
    const parts = target.replace(/^#\//, "").split("/");
    let found: any = DOCUMENT;
    for (const part of parts) found = found?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (!found) throw new Error(`unresolved ${target}`);
    current = { value: found, pointer: target.slice(1) };
  }
  return current;
}

interface PathTemplate {
  path: string;
  regex: RegExp;
  params: number;
}

const TEMPLATES: PathTemplate[] = Object.keys(DOCUMENT["paths"]).map((path) => ({
  path,
  regex: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\w+\\?\}/g, "[^/]+")}$`),
  params: (path.match(/\{/g) ?? []).length,
}));

/** The document's paths matching a concrete path, the most specific (fewest parameters) first. */
function templatesFor(path: string): string[] {
  return TEMPLATES.filter((t) => t.regex.test(path))
    .sort((a, b) => a.params - b.params)
    .map((t) => t.path);
}

export interface HttpAnswer {
  method: string;
  /** The request's path, as sent (no query). */
  path: string;
  /** API Gateway's route key, when the answer came through a handler (`GET /v1/…/{userId}`). */
  routeKey?: string;
  status: number;
  headers: Record<string, string | undefined> | Headers;
  body: string | undefined;
  isBase64Encoded?: boolean;
}

export interface Checked {
  /** The operation (or `ROUTE_NOT_FOUND`, `OPTIONS`) the answer was checked against. */
  operation: string;
  status: number;
  /** The problem's `code`, or the media type. */
  kind: string;
  mismatches: string[];
}

function headerOf(headers: HttpAnswer["headers"], name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 6)
    .map((e) => `${e.instancePath || "(root)"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`)
    .join("; ");
}

/** Checks one answer against the document; `mismatches` is empty when it conforms. */
export function checkAnswer(answer: HttpAnswer): Checked {
  const method = answer.method.toUpperCase();
  const mismatches: string[] = [];
  const mediaType = (headerOf(answer.headers, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const raw = answer.body ?? "";
  let text = raw;
  if (answer.isBase64Encoded) {
    const bytes = Buffer.from(raw, "base64");
    text = (headerOf(answer.headers, "content-encoding") === "gzip" ? gunzipSync(bytes) : bytes).toString(
      "utf8",
    );
  }
  let json: unknown;
  const isJson = /^application\/(?:[\w.+-]+\+)?json$/.test(mediaType);
  if (isJson) {
    try {
      json = JSON.parse(text);
    } catch {
      mismatches.push(`the body is not JSON: ${text.slice(0, 120)}`);
    }
  }
  const kind =
    json && typeof json === "object" && typeof (json as Json)["code"] === "string"
      ? (json as Json)["code"]
      : mediaType || "(no body)";

  // The path item: API Gateway's route key when there is one, else the most specific match.
  const fromRouteKey = answer.routeKey?.split(" ")[1];
  const candidates =
    fromRouteKey && DOCUMENT["paths"][fromRouteKey] ? [fromRouteKey] : templatesFor(answer.path);
  if (candidates.length === 0) {
    // No route: the local server's 404 (API Gateway answers its own `{"message":"Not Found"}`).
    const validate = validator("/components/schemas/Problem");
    if (answer.status !== 404 || kind !== "ROUTE_NOT_FOUND" || mediaType !== "application/problem+json")
      mismatches.push(`no documented path matches ${answer.path}: expected a 404 ROUTE_NOT_FOUND problem`);
    else if (!validate(json)) mismatches.push(`the problem does not match Problem: ${errorsOf(validate)}`);
    return { operation: "ROUTE_NOT_FOUND", status: answer.status, kind, mismatches };
  }
  const lower = method === "HEAD" ? "get" : method.toLowerCase();
  const template = candidates.find((p) => DOCUMENT["paths"][p][lower]) ?? candidates[0]!;
  const item = DOCUMENT["paths"][template] as Json;

  if (method === "OPTIONS" && !item["options"]) {
    // A CORS preflight: API Gateway answers it itself (SST's `cors` default); the local server 204 + Allow.
    if (answer.status !== 204 || !headerOf(answer.headers, "allow"))
      mismatches.push(`OPTIONS ${template}: expected 204 with Allow, got ${answer.status}`);
    return { operation: `OPTIONS ${template}`, status: answer.status, kind, mismatches };
  }

  let operationKey = lower;
  if (!item[lower]) {
    // A method the path does not take: any of its operations documents the 405.
    operationKey = Object.keys(item).find((k) => ["get", "post", "put", "patch", "delete"].includes(k))!;
    if (answer.status !== 405) mismatches.push(`${method} ${template} is not documented: expected 405`);
  }
  const operation = item[operationKey] as Json;
  const operationId = String(operation["operationId"]);
  const base = `/paths/${pointerPart(template)}/${operationKey}/responses`;
  const responses = operation["responses"] as Json;
  const statusKey = [String(answer.status), `${String(answer.status)[0]}XX`, "default"].find(
    (k) => responses[k] !== undefined,
  );
  if (!statusKey) {
    mismatches.push(`status ${answer.status} is not documented for ${operationId}`);
    return { operation: operationId, status: answer.status, kind, mismatches };
  }
  const response = resolve(responses[statusKey], `${base}/${pointerPart(statusKey)}`);

  // Headers the response requires, and their values.
  for (const [name, declared] of Object.entries((response.value["headers"] ?? {}) as Json)) {
    const header = resolve(declared as Json, `${response.pointer}/headers/${pointerPart(name)}`);
    const value = headerOf(answer.headers, name);
    if (value === undefined) {
      if (header.value["required"]) mismatches.push(`header ${name} is required on ${answer.status}`);
      continue;
    }
    const type = header.value["schema"]?.["type"];
    const typed =
      type === "integer" || type === "number"
        ? /^-?\d+(\.\d+)?$/.test(value)
          ? Number(value)
          : value
        : value;
    const validate = validator(`${header.pointer}/schema`);
    if (!validate(typed)) mismatches.push(`header ${name}: ${value}: ${errorsOf(validate)}`);
  }

  // The body: a declared media type, and its schema.
  const content = response.value["content"] as Json | undefined;
  if (!content) {
    if (text.length > 0 && method !== "HEAD")
      mismatches.push(`${answer.status} declares no body, got ${mediaType}`);
  } else if (!Object.hasOwn(content, mediaType)) {
    mismatches.push(
      `${operationId} ${answer.status}: content type ${mediaType || "(none)"} is not one of ${Object.keys(content).join(", ")}`,
    );
  } else if (isJson && json !== undefined && method !== "HEAD") {
    const validate = validator(`${response.pointer}/content/${pointerPart(mediaType)}/schema`);
    if (!validate(json)) mismatches.push(`${operationId} ${answer.status} body: ${errorsOf(validate)}`);
  }
  return { operation: operationId, status: answer.status, kind, mismatches };
}

const seen = new Map<string, number>();

/** What this process checked: `operation status kind` → how many answers. */
export function checkedAnswers(): ReadonlyMap<string, number> {
  return seen;
}

/** Checks an answer and throws when it does not conform to the document. */
export function assertAnswerConforms(answer: HttpAnswer): Checked {
  const checked = checkAnswer(answer);
  const key = `${checked.operation} ${checked.status} ${checked.kind}`;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  const log = process.env["DIRGATE_CONTRACT_LOG"];
  if (log)
    appendFileSync(log, `${JSON.stringify({ ...checked, method: answer.method, path: answer.path })}\n`);
  if (checked.mismatches.length > 0) {
    throw new Error(
      `The answer to ${answer.method} ${answer.path} does not conform to docs/openapi.json:\n- ${checked.mismatches.join("\n- ")}\nbody: ${(answer.body ?? "").slice(0, 400)}`,
    );
  }
  return checked;
}
