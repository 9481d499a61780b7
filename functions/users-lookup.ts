import { createRuntime, operationMiddlewares, readSettings, runOperation } from "@dirgate/lambda";
import middy from "@middy/core";

/** POST /v1/connections/{connection}/users/lookup — and direct invocation (the same input plus `connection`). */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy()
  .use(operationMiddlewares("usersLookup", runtime))
  .handler(runOperation("usersLookup"));
