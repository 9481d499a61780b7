import { DirgateError } from "@dirgate/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { renderDocsPage } from "./docs-page.ts";
import { baseMiddlewares } from "./middleware/base.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import type { Runtime } from "./runtime.ts";

/** The meta Lambda needs only the shared head: no input beyond the route, no credentials. */
export const metaMiddlewares = (runtime: Runtime) => baseMiddlewares<Context>(runtime);

/** `GET /v1/health`, `GET /v1/openapi.json`, `GET /docs`. */
export function meta(runtime: Runtime) {
  const document = buildOpenApiDocument(runtime.settings.version);
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
