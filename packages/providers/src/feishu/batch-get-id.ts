import { type CallOptions, DirgateError, type OperationOutput, tryParseMobile } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { ProviderContext } from "../provider.ts";
import type { Transport } from "../transport.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";

/** At most this many mobiles, and as many emails, in one `batch_get_id` call (Feishu's limit). */
export const BATCH_GET_ID_MAX = 50;

const DataSchema = z.object({
  data: z.object({
    user_list: z
      .array(
        z.looseObject({
          user_id: z.string().optional(),
          mobile: z.string().optional(),
          email: z.string().optional(),
        }),
      )
      .optional(),
  }),
});

/** The key a mobile (E.164) is found under. */
export const mobileKey = (e164: string): string => `m:${e164}`;
/** The key an email is found under. */
export const emailKey = (email: string): string => `e:${email}`;

/**
 * `POST /open-apis/contact/v3/users/batch_get_id`: the `user_id` of each mobile (E.164) and email,
 * at most 50 of each, by `mobileKey`/`emailKey`; a key without an entry is no such user (or one
 * outside the app's contact scope, or resigned). Feishu answers one entry per email, then one per
 * mobile ("返回的用户 ID 数量为 emails 数量与 mobiles 数量之和"), each echoing what it answers:
 * matched by that echo, by position when the echo cannot be read.
 */
export async function batchGetIds(
  api: Transport<FeishuEndpoint>,
  query: { mobiles: readonly string[]; emails: readonly string[] },
  options?: CallOptions,
): Promise<Map<string, string>> {
  const body = await api.call(
    "batch_get_id",
    {
      query: { user_id_type: "user_id" },
      body: {
        ...(query.emails.length > 0 ? { emails: query.emails } : {}),
        ...(query.mobiles.length > 0 ? { mobiles: query.mobiles } : {}),
        include_resigned: false,
      },
    },
    options,
  );
  const list = readUpstream(DataSchema, body, "feishu.batch_get_id").data.user_list ?? [];
  const sent = [...query.emails.map(emailKey), ...query.mobiles.map(mobileKey)];
  const asked = new Set(sent);
  const positional = list.length === sent.length;
  const found = new Map<string, string>();
  list.forEach((entry, i) => {
    if (!entry.user_id) return;
    const echo =
      entry.email !== undefined
        ? emailKey(entry.email)
        : entry.mobile !== undefined
          ? mobileKey(tryParseMobile(entry.mobile)?.e164 ?? entry.mobile)
          : undefined;
    const key = echo !== undefined && asked.has(echo) ? echo : positional ? sent[i] : undefined;
    if (key !== undefined && !found.has(key)) found.set(key, entry.user_id);
  });
  return found;
}

/** The answer for a mobile or email no user has (in the app's contact scope). */
export function noSuchUser(): DirgateError {
  return new DirgateError("USER_NOT_FOUND", "no such user, or the user is outside the app's contact scope");
}

/** A found user: only the id with `idsOnly`, else the profile by user_id. */
export function answerFor(
  ctx: Pick<ProviderContext<FeishuConnection, FeishuEndpoint>, "connection" | "run">,
  id: string,
  input: { idsOnly: boolean; language?: "zh_CN" | "en_US" | undefined; include?: "raw" | undefined },
  options?: CallOptions,
): Promise<OperationOutput<"userByMobile">> {
  if (input.idsOnly) return Promise.resolve({ provider: "feishu", connection: ctx.connection, id });
  return ctx.run(
    "userById",
    { userId: id, idType: "userId", language: input.language, include: input.include },
    options,
  );
}
