import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { DirgateError } from "@dirgate/core";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import document from "../../../docs/openapi.json" with { type: "json" };
import { renderDocsPage } from "./docs-page.ts";
import { eventAdapterMiddleware } from "./middleware/event-adapter.ts";
import type { Runtime } from "./runtime.ts";
import type { AdaptedContext } from "./state.ts";

/** The meta Lambda's chain: logging and the event adapter; no input beyond the route, no credentials. */
export function metaMiddlewares(
  runtime: Runtime,
): middy.MiddlewareObj<unknown, unknown, Error, AdaptedContext>[] {
  return [
    injectLambdaContext(runtime.logger, { resetKeys: true }) as middy.MiddlewareObj<
      unknown,
      unknown,
      Error,
      AdaptedContext
    >,
    eventAdapterMiddleware(runtime),
  ];
}

/**
 * `GET /v1/health`, `GET /v1/openapi.json`, `GET /docs`. The OpenAPI document is the committed
 * `docs/openapi.json` (generated from the operation table by `npm run openapi`; a test fails when
 * it is stale), bundled as data: nothing is generated at cold start.
 */
export function meta(runtime: Runtime) {
  const page = renderDocsPage(document);
  return async (event: unknown) => {
    const { routeKey, rawPath } = (event ?? {}) as Partial<APIGatewayProxyEventV2>;
    const key = routeKey && routeKey !== "$default" ? routeKey : `GET ${rawPath ?? ""}`;
    switch (key) {
      case "GET /v1/health":
        return { status: "ok", version: runtime.settings.version };
      case "GET /v1/openapi.json":
        return document;
      case "GET /docs":
        return { statusCode: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: page };
      default:
        throw new DirgateError("ROUTE_NOT_FOUND", `no route ${key}`);
    }
  };
}
