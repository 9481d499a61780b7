import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DirgateError, ROUTES, type Route } from "@dirgate/core";
import { problemResponse } from "@dirgate/lambda";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

/** A Lambda handler as the local server calls it. */
export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  keys: string[];
}

const compiled: CompiledRoute[] = ROUTES.map((route) => {
  const keys: string[] = [];
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\\?\{(\w+)\\?\}/g, (_m, key: string) => {
      keys.push(key);
      return "([^/]+)";
    });
  return { route, regex: new RegExp(`^${source}$`), keys };
});

export interface HttpRequestShape {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp?: string;
}

/** Finds the route for a method and path: the route and its path parameters, or a 404/405 problem. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | DirgateError {
  let pathMatched = false;
  for (const { route, regex, keys } of compiled) {
    const found = regex.exec(path);
    if (!found) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    keys.forEach((key, i) => {
      params[key] = safeDecode(found[i + 1] ?? "");
    });
    return { route, params };
  }
  return pathMatched
    ? new DirgateError("METHOD_NOT_ALLOWED", `${method} is not allowed on ${path}`)
    : new DirgateError("ROUTE_NOT_FOUND", `no route ${method} ${path}`);
}

/** Builds the API Gateway HTTP API (payload 2.0) event that AWS would hand the function. */
export function buildHttpEvent(
  request: HttpRequestShape,
  route: Route,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url, "http://127.0.0.1");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const type = headers["content-type"] ?? "";
  const textual = /json|text|x-www-form-urlencoded/i.test(type) || request.body.length === 0;
  const now = Date.now();
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: "2.0",
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers["host"] ?? "127.0.0.1",
      domainPrefix: "local",
      http: {
        method: request.method,
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(request.body.length
      ? { body: textual ? request.body.toString("utf8") : request.body.toString("base64") }
      : {}),
    isBase64Encoded: !textual,
  };
}

/** A Lambda context with the deadline of a function of `timeoutMs`. */
export function lambdaContext(functionName: string, timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * The API on a local port: each HTTP request becomes an API Gateway v2 event handed to the same
 * handler AWS would call. Unknown routes answer problem+json 404/405, as the API would.
 */
export async function startLocalServer(options: {
  handlers: Record<string, LambdaHandler>;
  port?: number;
  host?: string;
}): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      dispatch(req, Buffer.concat(chunks), options.handlers)
        .then((result) => {
          // Drop headers a middleware unset (http-security-headers leaves `Server: undefined`).
          const headers = Object.fromEntries(
            Object.entries(result.headers ?? {}).filter(([, v]) => v !== undefined && v !== ""),
          );
          const body = result.isBase64Encoded
            ? Buffer.from(result.body ?? "", "base64")
            : Buffer.from(result.body ?? "");
          headers["content-length"] = String(body.length);
          res.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
          res.end(body);
        })
        .catch(() => {
          res.writeHead(500, { "content-type": "application/problem+json" });
          res.end(JSON.stringify({ title: "Internal error", status: 500, code: "INTERNAL" }));
        });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function dispatch(
  req: IncomingMessage,
  body: Buffer,
  handlers: Record<string, LambdaHandler>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const matched = matchRoute(req.method ?? "GET", url.pathname);
  if (matched instanceof DirgateError) return problemResponse(matched, randomUUID());
  const handler = handlers[matched.route.lambda];
  if (!handler)
    return problemResponse(
      new DirgateError("ROUTE_NOT_FOUND", "no function serves this route"),
      randomUUID(),
    );
  const event = buildHttpEvent(
    {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress,
    },
    matched.route,
    matched.params,
  );
  const result = (await handler(
    event,
    lambdaContext(matched.route.lambda),
  )) as APIGatewayProxyStructuredResultV2;
  return typeof result === "object" && result !== null && "statusCode" in result
    ? result
    : { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(result) };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
