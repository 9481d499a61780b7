import { DirgateError, parseMobile } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";

const DataSchema = z.object({
  data: z.object({
    user_list: z
      .array(z.looseObject({ user_id: z.string().optional(), mobile: z.string().optional() }))
      .optional(),
  }),
});

/** `POST /open-apis/contact/v3/users/batch_get_id`: mobile → ids; then the profile by user_id. */
export const userByMobile: Implementation<"userByMobile", FeishuConnection, FeishuEndpoint> = {
  upstream: "contact/v3/users/batch_get_id, then users/:user_id",
  async run({ api, connection, run }, input, options) {
    const mobile = parseMobile(input.mobile);
    const body = await api.call(
      "batch_get_id",
      { query: { user_id_type: "user_id" }, body: { mobiles: [mobile.e164], include_resigned: false } },
      options,
    );
    const { data } = readUpstream(DataSchema, body, "feishu.batch_get_id");
    const id = data.user_list?.find((entry) => entry.user_id)?.user_id;
    if (!id)
      throw new DirgateError(
        "USER_NOT_FOUND",
        "no such user, or the user is outside the app's contact scope",
      );
    if (input.idsOnly) return { provider: "feishu", connection, id };
    return run("userById", { userId: id, idType: "userId", include: input.include }, options);
  },
};
