import { DirgateError, maskMobile } from "@dirgate/core";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { z } from "zod";
import type { LookupContext } from "../context.ts";
import { isHttpEvent } from "../event.ts";
import type { RequestParts, RouteDefinition } from "../routes.ts";
import type { Runtime } from "../runtime.ts";

/**
 * Validates every path, query and body field of the route with zod before anything goes upstream,
 * and hands the operation its input on `context.dirgate`. Direct invocations carry the operation's
 * input plus `connection`, validated by the same rules.
 */
export function requestMiddleware(
  route: RouteDefinition,
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, LookupContext> {
  const requestMiddlewareBefore = async (request: middy.Request<unknown, unknown, Error, LookupContext>) => {
    const { event, context } = request;
    const http = isHttpEvent(event);
    const parts = http ? readHttpParts(route, event) : readDirectParts(route, event);
    const remaining =
      typeof context.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : undefined;
    context.dirgate = {
      route,
      connectionId: parts.params["connection"] ?? "",
      input: route.toInput ? route.toInput(parts) : {},
      deadline:
        remaining === undefined ? undefined : Date.now() + remaining - runtime.settings.deadlineMarginMs,
    };
    runtime.logger.appendKeys({ route: route.name, connection: context.dirgate.connectionId });
    const mobile = parts.body["mobile"];
    runtime.logger.info("lookup", typeof mobile === "string" ? { mobile: maskMobile(mobile) } : {});
  };
  return { before: requestMiddlewareBefore };
}

function readHttpParts(route: RouteDefinition, event: APIGatewayProxyEventV2): RequestParts {
  const issues: { path: string; message: string }[] = [];
  const params = check(route.params, event.pathParameters ?? {}, "path", issues) as Record<string, string>;
  const query = check(route.query, event.queryStringParameters ?? {}, "query", issues);
  let body: Record<string, unknown> = {};
  if (route.body) {
    const raw = readBody(event);
    if (raw !== undefined) body = check(route.body, raw, "body", issues);
  }
  if (issues.length > 0) throw invalid(issues);
  return { params, query, body };
}

function readBody(event: APIGatewayProxyEventV2): unknown {
  const type = event.headers?.["content-type"] ?? "";
  if (!event.body) throw invalid([{ path: "body", message: "a JSON body is required" }]);
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw invalid([{ path: "headers.content-type", message: "must be application/json" }]);
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw invalid([{ path: "body", message: "is not valid JSON" }]);
  }
}

/** A direct invocation: `{ connection, ...input }` with the HTTP route's names and JSON types. */
function readDirectParts(route: RouteDefinition, event: unknown): RequestParts {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    throw invalid([
      { path: "(event)", message: "expected an object with connection and the operation's input" },
    ]);
  }
  const payload = { ...(event as Record<string, unknown>) };
  const issues: { path: string; message: string }[] = [];
  const paramKeys = Object.keys(route.params.shape);
  const bodyKeys = route.body ? Object.keys(route.body.shape) : [];
  const pick = (keys: string[]) =>
    Object.fromEntries(keys.filter((k) => k in payload).map((k) => [k, payload[k]]));
  const params = check(route.params, pick(paramKeys), "", issues) as Record<string, string>;
  const body = route.body ? check(route.body, pick(bodyKeys), "", issues) : {};
  const rest = Object.fromEntries(
    Object.entries(payload).filter(([k]) => !paramKeys.includes(k) && !bodyKeys.includes(k)),
  );
  // Query fields are strings on the wire; a direct caller may send JSON numbers.
  const query = check(
    route.query,
    Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === "number" ? String(v) : v])),
    "",
    issues,
  );
  if (issues.length > 0) throw invalid(issues);
  return { params, query, body };
}

function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: string,
  issues: { path: string; message: string }[],
) {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  for (const issue of parsed.error.issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    for (const key of keys) {
      const path = [where, ...issue.path.map(String), ...(key ? [key] : [])].filter(Boolean).join(".");
      issues.push({ path: path || "(root)", message: key ? "is not a known field" : issue.message });
    }
  }
  return {};
}

function invalid(details: { path: string; message: string }[]): DirgateError {
  return new DirgateError(
    "INVALID_REQUEST",
    `invalid request: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`,
    {
      details,
    },
  );
}
