import { parseMobile } from "@dirgate/core";
import type { Implementation } from "../provider.ts";
import type { WeComConnection } from "./connection.ts";
import { findUserId } from "./lookup-budget.ts";
import type { WeComEndpoint } from "./transport.ts";

/**
 * `POST /cgi-bin/user/getuserid` (95402 / 96267), then (unless `idsOnly`) the profile by userid.
 * WeCom stores mainland numbers as 11 digits and others as `+852 51234567` (创建成员 90195), and
 * looks them up in that form. Every unknown number spends the corp's daily error budget.
 */
export const userByMobile: Implementation<"userByMobile", WeComConnection, WeComEndpoint> = {
  upstream: "user/getuserid, then user/get (ids-only mode: one call)",
  async run(ctx, input, options) {
    const mobile = parseMobile(input.mobile);
    const wire =
      mobile.countryCode === "86" ? mobile.nationalNumber : `+${mobile.countryCode} ${mobile.nationalNumber}`;
    const id = await findUserId(ctx, "getuserid", { mobile: wire }, options);
    if (input.idsOnly) return { provider: "wecom", connection: ctx.connection, id };
    return ctx.run(
      "userById",
      { userId: id, idType: "userId", language: input.language, include: input.include },
      options,
    );
  },
};
