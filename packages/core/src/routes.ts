import { OPERATION_NAMES, OPERATIONS, type OperationName } from "./operations/index.ts";

/**
 * How a route is authenticated: the deployment's default (IAM, or a JWT when configured), not at all
 * (meta), or by the provider's own signature on the request (change callbacks: public in API Gateway).
 */
export type RouteAuth = "default" | "none" | "signature";

/** One HTTP route of the API and the Lambda serving it. */
export interface Route {
  method: "GET" | "POST";
  path: string;
  /** The Lambda: `functions/{lambda}.ts`. */
  lambda: string;
  auth: RouteAuth;
  summary: string;
  /** The operation it runs (absent for the meta routes). */
  operation?: OperationName;
}

/** The meta routes: no credentials touched. */
export const META_ROUTES = [
  {
    method: "GET",
    path: "/v1/health",
    lambda: "meta",
    auth: "none",
    summary: "Liveness: no credentials touched",
  },
  {
    method: "GET",
    path: "/v1/openapi.json",
    lambda: "meta",
    auth: "none",
    summary: "This API's OpenAPI 3.1 document",
  },
  {
    method: "GET",
    path: "/docs",
    lambda: "meta",
    auth: "none",
    summary: "The API reference for people (HTML)",
  },
  {
    method: "GET",
    path: "/docs/assets/{file}",
    lambda: "meta",
    auth: "none",
    summary: "The API reference's scripts (the renderer, served by dirgate itself: no CDN)",
  },
] as const satisfies readonly Route[];

/** Provider change callbacks (DESIGN §6): public routes, authenticated by the provider's signature. */
export const CALLBACK_ROUTES = [
  {
    method: "GET",
    path: "/v1/connections/{connection}/callback",
    lambda: "callback",
    auth: "signature",
    summary: "Provider callback URL verification (WeCom echostr)",
  },
  {
    method: "POST",
    path: "/v1/connections/{connection}/callback",
    lambda: "callback",
    auth: "signature",
    summary: "Provider change callbacks (DingTalk, Feishu, WeCom), verified by their signatures",
  },
] as const satisfies readonly Route[];

/**
 * Every HTTP route: one per operation (from the operation table) and the meta routes.
 * `sst.config.ts`, the local server and the OpenAPI document read this list.
 */
export const ROUTES: readonly Route[] = [
  ...OPERATION_NAMES.map((name) => {
    const op = OPERATIONS[name];
    return {
      method: op.http.method,
      path: op.http.path,
      lambda: op.lambda,
      auth: "default" as const,
      summary: op.summary,
      operation: name,
    };
  }),
  ...META_ROUTES,
  ...CALLBACK_ROUTES,
];

/** The Lambdas behind HTTP routes, each once. */
export const HTTP_LAMBDAS: readonly string[] = [...new Set(ROUTES.map((r) => r.lambda))];

/** The Lambdas fed by queues: lookups (`Lookups`) and change events (`Changes`). */
export const QUEUE_LAMBDAS = ["lookup-batch", "changes"] as const;
