import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { DirgateError } from "@dirgate/core";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import document from "../../../docs/openapi.json" with { type: "json" };
import { createDocsSite } from "./docs-page.ts";
import { eventAdapterMiddleware } from "./middleware/event-adapter.ts";
import type { Runtime } from "./runtime.ts";
import type { AdaptedContext } from "./state.ts";

type Middleware = middy.MiddlewareObj<unknown, unknown, Error, AdaptedContext>;

/**
 * The meta Lambda's chain: logging, the answer's own security policies, and the event adapter;
 * no input beyond the route, no credentials.
 */
export function metaMiddlewares(runtime: Runtime): Middleware[] {
  return [
    injectLambdaContext(runtime.logger, { resetKeys: true }) as Middleware,
    ownPolicies(),
    eventAdapterMiddleware(runtime),
  ];
}

/** The policies an answer may bring itself (the docs page): they replace the adapter's defaults. */
const OWN_POLICIES = ["content-security-policy", "permissions-policy"];

/**
 * The event adapter gives every HTML answer `@middy/http-security-headers`' policies, as
 * `Content-Security-Policy` (`default-src 'none'`, trusted types, `sandbox`: nothing would run, no
 * style would apply) and `Permissions-Policy` (no clipboard, and features browsers do not know).
 * An answer that brings its own, in lower case (the docs page), keeps it as its one policy: this
 * runs after the adapter (middy runs `after` in reverse order) and drops the default.
 */
function ownPolicies(): Middleware {
  return {
    after: (request) => {
      const headers = (request.response as { headers?: Record<string, unknown> } | undefined)?.headers;
      if (!headers) return;
      for (const policy of OWN_POLICIES) {
        if (typeof headers[policy] !== "string") continue;
        for (const name of Object.keys(headers)) {
          if (name !== policy && name.toLowerCase() === policy) delete headers[name];
        }
      }
    },
  };
}

/**
 * `GET /v1/health`, `GET /v1/openapi.json`, `GET /docs`, `GET /docs/assets/{file}`. The OpenAPI
 * document is the committed `docs/openapi.json` (generated from the operation table by `npm run
 * openapi`; a test fails when it is stale), bundled as data: nothing is generated at cold start.
 */
export function meta(runtime: Runtime) {
  const docs = createDocsSite(document, (error) =>
    runtime.logger.error("the API reference's renderer is missing: /docs answers the plain list", {
      error: error.message,
    }),
  );
  return async (event: unknown) => {
    const { routeKey, rawPath, pathParameters, headers, queryStringParameters } = (event ??
      {}) as Partial<APIGatewayProxyEventV2>;
    const key = routeKey && routeKey !== "$default" ? routeKey : `GET ${rawPath ?? ""}`;
    const asset = /^GET \/docs\/assets\/([^/]+)$/.exec(key);
    switch (asset ? "GET /docs/assets/{file}" : key) {
      case "GET /v1/health":
        return { status: "ok", version: runtime.settings.version };
      case "GET /v1/openapi.json":
        return document;
      case "GET /docs":
        return docs.page();
      case "GET /docs/assets/{file}":
        return docs.asset(
          pathParameters?.["file"] ?? asset?.[1],
          headers?.["accept-encoding"],
          queryStringParameters?.["v"],
        );
      default:
        throw new DirgateError("ROUTE_NOT_FOUND", `no route ${key}`);
    }
  };
}
