import type { CallOptions, DirectoryUser } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { ProviderContext } from "../provider.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";
import { FEISHU_ID_FIELDS, FeishuUserSchema, feishuUserToDirectoryUser } from "./user.ts";

/** At most this many ids in one `users/batch` call (Feishu's limit). */
export const USERS_BATCH_MAX = 50;

/** One user of a `users/batch` answer: mapped, or why it could not be. */
export type BatchRead = { ok: true; user: DirectoryUser } | { ok: false; error: unknown };

const DataSchema = z.object({
  data: z.object({ items: z.array(z.record(z.string(), z.unknown())).optional() }),
});

/**
 * `GET /open-apis/contact/v3/users/batch?user_ids=…&user_id_type=…` (≤ 50 ids): the users among
 * `ids` Feishu shows the app, each mapped as `users/:user_id`'s (`userById`), by the id asked. An id
 * without an entry is no such user (or one outside the app's contact scope): Feishu leaves those out
 * of `items`. Entries are matched by their id of the asked type, not by position (the page states no
 * order); an entry that does not map is that user's failure alone. `unmatched` counts entries that
 * carry no id of the asked type (an app without the user-id field scope gets no `user_id`): the
 * caller must not read the ids they leave unanswered as "no such user".
 * https://open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/reference/contact-v3/user/batch
 */
export async function usersBatch(
  ctx: Pick<ProviderContext<FeishuConnection, FeishuEndpoint>, "api" | "connection" | "config">,
  ids: readonly string[],
  input: { idType: keyof typeof FEISHU_ID_FIELDS; include?: "raw" | undefined },
  options?: CallOptions,
): Promise<{ found: Map<string, BatchRead>; unmatched: number }> {
  const field = FEISHU_ID_FIELDS[input.idType];
  const body = await ctx.api.call(
    "users.batch",
    { query: { user_ids: ids, user_id_type: field, department_id_type: "open_department_id" } },
    options,
  );
  const items = readUpstream(DataSchema, body, "feishu.users.batch").data.items ?? [];
  const asked = new Set(ids);
  const found = new Map<string, BatchRead>();
  let unmatched = 0;
  for (const raw of items) {
    const id = raw[field];
    if (typeof id !== "string") {
      unmatched += 1;
      continue;
    }
    if (!asked.has(id) || found.has(id)) continue;
    try {
      const user = readUpstream(FeishuUserSchema, raw, "feishu.users.batch");
      const mapped = feishuUserToDirectoryUser(user, raw, {
        connection: ctx.connection,
        includeRaw: input.include === "raw",
        expose: ctx.config.expose,
        idType: input.idType,
      });
      found.set(id, { ok: true, user: mapped });
    } catch (error) {
      found.set(id, { ok: false, error });
    }
  }
  return { found, unmatched };
}
