import type { DepartmentUsersInput } from "@dirgate/core";
import { createRuntime, lookup, lookupMiddlewares, readSettings } from "@dirgate/lambda";
import middy from "@middy/core";

/** GET /v1/connections/{connection}/departments/{departmentId}/users — and direct invocation. */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy()
  .use(lookupMiddlewares("departmentUsers", runtime))
  .handler(lookup((client, input: DepartmentUsersInput, options) => client.departmentUsers(input, options)));
