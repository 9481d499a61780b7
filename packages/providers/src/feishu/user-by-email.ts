import type { Implementation } from "../provider.ts";
import { answerFor, batchGetIds, emailKey, noSuchUser } from "./batch-get-id.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";

/**
 * `POST /open-apis/contact/v3/users/batch_get_id` with `emails`: email → user_id; then the profile
 * by user_id. Only a user's own `email` matches: Feishu finds nobody by an enterprise address.
 */
export const userByEmail: Implementation<"userByEmail", FeishuConnection, FeishuEndpoint> = {
  upstream: "contact/v3/users/batch_get_id (emails), then users/:user_id",
  async run(ctx, input, options) {
    const found = await batchGetIds(ctx.api, { mobiles: [], emails: [input.email] }, options);
    const id = found.get(emailKey(input.email));
    if (!id) throw noSuchUser();
    return answerFor(ctx, id, input, options);
  },
};
