import { buildHttpEvent, lambdaContext, matchRoute } from "@dirgate/dev";
import type { Sandbox } from "@dirgate/sandbox";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { assertAnswerConforms } from "./openapi-check.ts";

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface Functions {
  usersByMobile: Handler;
  userById: Handler;
  departmentUsers: Handler;
  usersByEmail: Handler;
  usersLookup: Handler;
  department: Handler;
  departmentChildren: Handler;
  meta: Handler;
}

/**
 * Points the functions at the sandbox (their settings are read at import) and imports them fresh.
 * Call it in beforeAll, after the sandbox started.
 */
export async function loadFunctions(sbx: Sandbox, env: Record<string, string> = {}): Promise<Functions> {
  const described = sbx.describe();
  Object.assign(process.env, {
    DIRGATE_STAGE: "local",
    DIRGATE_SECRET_PREFIX: sbx.secretPrefix,
    DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
    AWS_REGION: described.secretsManager.region,
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SESSION_TOKEN: "",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    LOG_LEVEL: "SILENT",
    ...env,
  });
  // Static specifiers: vitest isolates modules per test file, so each file gets fresh functions.
  const handler = (module: { handler: unknown }) => module.handler as Handler;
  return {
    usersByMobile: handler(await import("../../functions/users-by-mobile.ts")),
    userById: handler(await import("../../functions/user-by-id.ts")),
    departmentUsers: handler(await import("../../functions/department-users.ts")),
    usersByEmail: handler(await import("../../functions/users-by-email.ts")),
    usersLookup: handler(await import("../../functions/users-lookup.ts")),
    department: handler(await import("../../functions/department.ts")),
    departmentChildren: handler(await import("../../functions/department-children.ts")),
    meta: handler(await import("../../functions/meta.ts")),
  };
}

export interface EventOptions {
  headers?: Record<string, string>;
  body?: unknown;
  authorizer?: APIGatewayProxyEventV2["requestContext"] extends infer C
    ? C extends { authorizer?: infer A }
      ? A
      : never
    : never;
}

/** The API Gateway v2 event AWS would send for `METHOD /path?query`. */
export function apiEvent(method: string, url: string, options: EventOptions = {}): APIGatewayProxyEventV2 {
  const path = new URL(url, "http://x").pathname;
  const matched = matchRoute(method, path);
  if (matched instanceof Error) throw matched;
  const body =
    options.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(typeof options.body === "string" ? options.body : JSON.stringify(options.body));
  const headers = {
    ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    ...options.headers,
  };
  const event = buildHttpEvent({ method, url, headers, body }, matched.route, matched.params);
  if (options.authorizer) (event.requestContext as { authorizer?: unknown }).authorizer = options.authorizer;
  return event;
}

/**
 * Invokes a handler with an API Gateway event and parses its JSON answer. Every answer is checked
 * against docs/openapi.json (test/helpers/openapi-check.ts): one that does not conform throws.
 */
export async function invoke(handler: Handler, event: unknown, context: Context = lambdaContext("test")) {
  const result = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  const http = event as Partial<APIGatewayProxyEventV2>;
  if (http?.version === "2.0" && http.requestContext?.http?.method) {
    assertAnswerConforms({
      method: http.requestContext.http.method,
      path: http.rawPath ?? http.requestContext.http.path,
      routeKey: http.routeKey,
      status: result.statusCode ?? 200,
      headers: (result.headers ?? {}) as Record<string, string | undefined>,
      body: result.body,
      isBase64Encoded: result.isBase64Encoded,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(result.body ?? "");
  } catch {
    json = undefined;
  }
  return {
    status: result.statusCode ?? 200,
    headers: result.headers ?? {},
    body: result.body ?? "",
    json: json as any,
  };
}

export { lambdaContext };
