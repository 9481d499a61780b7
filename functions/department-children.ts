import { createRuntime, operationMiddlewares, readSettings, runOperation } from "@dirgate/lambda";
import middy from "@middy/core";

/** GET /v1/connections/{connection}/departments/{departmentId}/children — and direct invocation (the same input plus `connection`). */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy()
  .use(operationMiddlewares("departmentChildren", runtime))
  .handler(runOperation("departmentChildren"));
