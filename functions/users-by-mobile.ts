import type { UserByMobileInput } from "@dirgate/core";
import { createRuntime, lookup, lookupMiddlewares, readSettings } from "@dirgate/lambda";
import middy from "@middy/core";

/** POST /v1/connections/{connection}/users/by-mobile — and direct invocation `{ connection, mobile, … }`. */
const runtime = createRuntime(readSettings(process.env));

export const handler = middy()
  .use(lookupMiddlewares("userByMobile", runtime))
  .handler(lookup((client, input: UserByMobileInput, options) => client.userByMobile(input, options)));
