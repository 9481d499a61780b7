import { randomUUID } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { DirgateError, ROUTES, type Route } from "@dirgate/core";
import { problemResponse } from "@dirgate/lambda";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

/** A Lambda handler as the local server calls it. */
export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/**
 * The limits API Gateway puts on a request before any function runs ("Quotas for configuring and
 * running an HTTP API in API Gateway": https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html,
 * neither adjustable). The local server enforces the same numbers, so a request AWS would refuse is
 * refused locally too, as a `REQUEST_TOO_LARGE` problem whose status names the part to shrink.
 */
export const REQUEST_LIMITS = {
  /** "Total combined size of request line and header values": 10240 bytes. */
  requestLineAndHeaderValues: 10_240,
  /** "Payload size": 10 MB. (A Lambda integration also caps a synchronous invocation's event at 6 MB.) */
  payloadBytes: 10 * 1024 * 1024,
} as const;

/**
 * Node's own parser limit (default 16 KiB), raised so that a request up to here is measured exactly
 * against {@link REQUEST_LIMITS}; beyond it the parser gives up and `clientError` answers.
 */
const PARSER_MAX_HEADER_BYTES = 64 * 1024;

const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

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

/**
 * The methods a path answers (the `Allow` header): its routes' methods, `HEAD` wherever there is a
 * `GET`, and `OPTIONS`. Empty for a path no route matches.
 */
export function allowedMethods(path: string): string[] {
  const methods = new Set<string>();
  for (const { route, regex } of compiled) if (regex.test(path)) methods.add(route.method);
  if (methods.size === 0) return [];
  if (methods.has("GET")) methods.add("HEAD");
  methods.add("OPTIONS");
  return METHOD_ORDER.filter((m) => methods.has(m));
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
    ? new DirgateError(
        "METHOD_NOT_ALLOWED",
        `${method} is not allowed on ${path} (allowed: ${allowedMethods(path).join(", ")})`,
      )
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

type Answer = APIGatewayProxyStructuredResultV2;

/**
 * The API on a local port: each HTTP request becomes an API Gateway v2 event handed to the same
 * handler AWS would call. What never reaches a function in AWS is answered here, always as
 * problem+json: an unknown path (404 `ROUTE_NOT_FOUND`), a method the path does not take (405
 * `METHOD_NOT_ALLOWED` with `Allow`), a request over API Gateway's limits (`REQUEST_TOO_LARGE`: 414
 * for the URL, 431 for the headers, 413 for the body). `HEAD` answers as `GET` without the body;
 * `OPTIONS` answers 204 with `Allow` (API Gateway answers OPTIONS itself: SST's `cors` default).
 */
export async function startLocalServer(options: {
  handlers: Record<string, LambdaHandler>;
  port?: number;
  host?: string;
}): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES }, (req, res) => {
    handle(req, res, options.handlers);
  });
  server.on("clientError", onClientError);
  // `Expect: 100-continue`: a body over the limit is refused before the client sends it.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    if (!oversizeHead(req) && Number(req.headers["content-length"] ?? 0) <= REQUEST_LIMITS.payloadBytes) {
      res.writeContinue();
    }
    handle(req, res, options.handlers);
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

function handle(req: IncomingMessage, res: ServerResponse, handlers: Record<string, LambdaHandler>): void {
  const oversize = oversizeHead(req);
  if (oversize) {
    refuse(req, res, oversize);
    return;
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > REQUEST_LIMITS.payloadBytes) {
    refuse(req, res, bodyTooLarge());
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > REQUEST_LIMITS.payloadBytes) {
      refused = true;
      chunks.length = 0;
      refuse(req, res, bodyTooLarge());
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused) return;
    dispatch(req, Buffer.concat(chunks), handlers)
      .then((result) => send(req, res, result))
      .catch(() => {
        send(req, res, problemResponse(new Error("local server"), randomUUID()));
      });
  });
}

/** Writes an answer; a `HEAD` request gets the headers (and `content-length`) of the `GET` answer, no body. */
function send(req: IncomingMessage, res: ServerResponse, result: Answer, close = false): void {
  // Drop headers a middleware unset (http-security-headers leaves `Server: undefined`).
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).filter(([, v]) => v !== undefined && v !== ""),
  ) as Record<string, string>;
  const body = result.isBase64Encoded
    ? Buffer.from(result.body ?? "", "base64")
    : Buffer.from(result.body ?? "");
  const status = result.statusCode ?? 200;
  if (status !== 204) headers["content-length"] = String(body.length);
  if (close) headers["connection"] = "close";
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" || status === 204 ? undefined : body);
}

/** Answers a request over a limit without reading (the rest of) its body, and closes the connection. */
function refuse(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  send(req, res, answer, true);
  res.on("finish", () => req.socket.destroySoon?.());
}

async function dispatch(
  req: IncomingMessage,
  body: Buffer,
  handlers: Record<string, LambdaHandler>,
): Promise<Answer> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const method = req.method ?? "GET";
  const allowed = allowedMethods(url.pathname);
  if (allowed.length === 0) {
    return problemResponse(
      new DirgateError("ROUTE_NOT_FOUND", `no route ${method} ${url.pathname}`),
      randomUUID(),
    );
  }
  if (method === "OPTIONS") return options(req, allowed);
  if (!allowed.includes(method)) {
    const answer = problemResponse(
      new DirgateError(
        "METHOD_NOT_ALLOWED",
        `${method} is not allowed on ${url.pathname} (allowed: ${allowed.join(", ")})`,
      ),
      randomUUID(),
    );
    return { ...answer, headers: { ...answer.headers, allow: allowed.join(", ") } };
  }
  // HEAD runs the GET route (the function sees GET, as a cache in front would ask); `send` drops the body.
  const matched = matchRoute(method === "HEAD" ? "GET" : method, url.pathname);
  if (matched instanceof DirgateError) return problemResponse(matched, randomUUID());
  const handler = handlers[matched.route.lambda];
  if (!handler)
    return problemResponse(
      new DirgateError("ROUTE_NOT_FOUND", "no function serves this route"),
      randomUUID(),
    );
  const event = buildHttpEvent(
    {
      method: matched.route.method,
      url: req.url ?? "/",
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress,
    },
    matched.route,
    matched.params,
  );
  const result = (await handler(event, lambdaContext(matched.route.lambda))) as Answer;
  return typeof result === "object" && result !== null && "statusCode" in result
    ? result
    : { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(result) };
}

/** `OPTIONS`: 204 and `Allow`; a CORS preflight also gets what SST's default `cors: true` answers. */
function options(req: IncomingMessage, allowed: string[]): Answer {
  const headers: Record<string, string> = { allow: allowed.join(", ") };
  if (req.headers.origin && req.headers["access-control-request-method"]) {
    headers["access-control-allow-origin"] = "*";
    headers["access-control-allow-methods"] = allowed.join(", ");
    headers["access-control-allow-headers"] = String(req.headers["access-control-request-headers"] ?? "*");
  }
  return { statusCode: 204, headers };
}

/**
 * API Gateway's 10240-byte limit on the request line and header values together. Over it, the
 * bigger of the two is what to shrink: the URL (414 URI Too Long) or the headers (431 Request
 * Header Fields Too Large).
 */
function oversizeHead(req: IncomingMessage): Answer | undefined {
  const line = Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
  let values = 0;
  for (let i = 1; i < req.rawHeaders.length; i += 2) values += Buffer.byteLength(req.rawHeaders[i] ?? "");
  if (line + values <= REQUEST_LIMITS.requestLineAndHeaderValues) return undefined;
  return tooLarge(line >= values ? 414 : 431, line, values);
}

function tooLarge(status: 414 | 431, line?: number, values?: number): Answer {
  const what = status === 414 ? "the URL is too long" : "the request headers are too large";
  const sizes =
    line === undefined || values === undefined
      ? "over"
      : `the request line (${line} bytes) and header values (${values} bytes) together exceed`;
  return problemResponse(
    new DirgateError(
      "REQUEST_TOO_LARGE",
      `${what}: ${sizes} API Gateway's limit of ${REQUEST_LIMITS.requestLineAndHeaderValues} bytes`,
    ),
    randomUUID(),
    { status },
  );
}

function bodyTooLarge(): Answer {
  return problemResponse(
    new DirgateError(
      "REQUEST_TOO_LARGE",
      `the body is over API Gateway's payload limit of ${REQUEST_LIMITS.payloadBytes} bytes (10 MB)`,
    ),
    randomUUID(),
    { status: 413 },
  );
}

/**
 * What Node's HTTP parser refuses before a request exists (it would answer a bare 400/431): a head
 * over the parser's limit is a `REQUEST_TOO_LARGE` problem (414 while still in the request line,
 * else 431), anything else unparseable an `INVALID_REQUEST` problem. Written on the socket, which is
 * then closed.
 */
function onClientError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    socket.end("HTTP/1.1 408 Request Timeout\r\nconnection: close\r\n\r\n");
    return;
  }
  const answer =
    error.code === "HPE_HEADER_OVERFLOW"
      ? tooLarge(stillInRequestLine(error.rawPacket) ? 414 : 431)
      : problemResponse(
          new DirgateError("INVALID_REQUEST", "the request is not valid HTTP/1.1"),
          randomUUID(),
        );
  const body = Buffer.from(answer.body ?? "");
  const status = answer.statusCode ?? 400;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    ...Object.entries(answer.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    `content-length: ${body.length}`,
    "connection: close",
    "",
    "",
  ].join("\r\n");
  socket.end(Buffer.concat([Buffer.from(head, "latin1"), body]));
}

/**
 * Whether the parser overflowed while reading the request line: the packet it choked on has no
 * line end yet and starts with a method, or its first line is the tail of a request line
 * (`… HTTP/1.1`) longer than the rest.
 */
function stillInRequestLine(packet: Buffer | undefined): boolean {
  if (!packet) return false;
  const text = packet.toString("latin1");
  const end = text.indexOf("\r\n");
  if (end < 0) return /^[A-Z]+ \//.test(text);
  const first = text.slice(0, end);
  return / HTTP\/\d\.\d$/.test(first) && first.length >= text.length - end;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
