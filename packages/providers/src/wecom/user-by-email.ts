import { DirgateError } from "@dirgate/core";
import type { Implementation } from "../provider.ts";
import type { WeComConnection } from "./connection.ts";
import { findUserId } from "./lookup-budget.ts";
import type { WeComEndpoint } from "./transport.ts";

/**
 * `POST /cgi-bin/user/get_userid_by_email` (95895 / 96268), then (unless `idsOnly`) the profile.
 * WeCom looks in one field per call: `email_type` 1 = the corporate mailbox (biz_mail, its default),
 * 2 = the member's `email`. A caller's address may be either, so the corporate one is tried first,
 * then the other; an unknown address thus costs two wrong attempts of the daily error budget.
 */
export const userByEmail: Implementation<"userByEmail", WeComConnection, WeComEndpoint> = {
  upstream: "user/get_userid_by_email (email_type 1, then 2), then user/get (ids-only mode: no user/get)",
  async run(ctx, input, options) {
    const email = input.email.trim();
    let id: string | undefined;
    for (const type of [1, 2] as const) {
      try {
        id = await findUserId(ctx, "get_userid_by_email", { email, email_type: type }, options);
        break;
      } catch (error) {
        const notFound = error instanceof DirgateError && error.code === "USER_NOT_FOUND";
        if (!notFound || type === 2) throw error;
      }
    }
    if (id === undefined) throw new DirgateError("USER_NOT_FOUND", "no such user");
    if (input.idsOnly) return { provider: "wecom", connection: ctx.connection, id };
    return ctx.run(
      "userById",
      { userId: id, idType: "userId", language: input.language, include: input.include },
      options,
    );
  },
};
