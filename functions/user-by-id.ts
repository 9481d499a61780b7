import type { UserByIdInput } from "@dirgate/core";
import { createRuntime, lookup, lookupMiddlewares, readSettings } from "@dirgate/lambda";
import middy from "@middy/core";

/** GET /v1/connections/{connection}/users/{userId} — and direct invocation `{ connection, userId, … }`. */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy()
  .use(lookupMiddlewares("userById", runtime))
  .handler(lookup((client, input: UserByIdInput, options) => client.userById(input, options)));
