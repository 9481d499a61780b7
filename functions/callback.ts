import { callbackHandler, callbackMiddlewares, createRuntime, readSettings } from "@dirgate/lambda";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/** GET|POST /v1/connections/{connection}/callback — providers' change callbacks, verified by their signatures. */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(callbackMiddlewares(runtime))
  .handler(callbackHandler(runtime));
