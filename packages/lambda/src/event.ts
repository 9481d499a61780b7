import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** Whether an event came through API Gateway (HTTP API, payload 2.0) rather than a direct invocation. */
export function isHttpEvent(event: unknown): event is APIGatewayProxyEventV2 {
  const e = event as Partial<APIGatewayProxyEventV2> | undefined;
  return e?.version === "2.0" && typeof e.requestContext?.http?.method === "string";
}
