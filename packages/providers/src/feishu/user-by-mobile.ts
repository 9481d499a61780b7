import { parseMobile } from "@dirgate/core";
import type { Implementation } from "../provider.ts";
import { answerFor, batchGetIds, mobileKey, noSuchUser } from "./batch-get-id.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";

/** `POST /open-apis/contact/v3/users/batch_get_id`: mobile → user_id; then the profile by user_id. */
export const userByMobile: Implementation<"userByMobile", FeishuConnection, FeishuEndpoint> = {
  upstream: "contact/v3/users/batch_get_id, then users/:user_id",
  async run(ctx, input, options) {
    const { e164 } = parseMobile(input.mobile);
    const found = await batchGetIds(ctx.api, { mobiles: [e164], emails: [] }, options);
    const id = found.get(mobileKey(e164));
    if (!id) throw noSuchUser();
    return answerFor(ctx, id, input, options);
  },
};
