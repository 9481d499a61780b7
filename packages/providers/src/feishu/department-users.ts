import { DirgateError } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import { pageScope, upstreamCursor } from "../pages.ts";
import type { Implementation } from "../provider.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";
import { FEISHU_ID_FIELDS, FeishuUserSchema, feishuUserToDirectoryUser } from "./user.ts";

const DataSchema = z.object({
  data: z.object({
    has_more: z.boolean(),
    page_token: z.string().optional(),
    // Each item is read by FeishuUserSchema below; validating its keys here too would be paid twice.
    items: z.array(z.unknown()).optional(),
  }),
});

const MAX_PAGE = 50;

/** `GET /open-apis/contact/v3/users/find_by_department` (seed 004): direct members, ≤ 50 a page. */
export const departmentUsers: Implementation<"departmentUsers", FeishuConnection, FeishuEndpoint> = {
  upstream: "contact/v3/users/find_by_department (≤ 50 a page)",
  async run(ctx, input, options) {
    const { api, connection, config } = ctx;
    const idType = input.idType;
    if (idType === "loginId")
      throw new DirgateError("UNSUPPORTED_OPERATION", "Feishu connections have no loginId");
    const scope = pageScope(ctx, "departmentUsers", input);
    // Feishu's own default is open_department_id; an id that does not look like one is a custom department_id.
    const departmentIdType =
      input.departmentIdType ??
      (input.departmentId === "0" || input.departmentId.startsWith("od-")
        ? "openDepartmentId"
        : "departmentId");
    const body = await api.call(
      "find_by_department",
      {
        query: {
          department_id: input.departmentId,
          department_id_type: departmentIdType === "departmentId" ? "department_id" : "open_department_id",
          user_id_type: FEISHU_ID_FIELDS[idType],
          page_size: String(Math.min(input.pageSize, MAX_PAGE)),
          page_token: upstreamCursor.read(scope, input.pageToken),
        },
      },
      options,
    );
    const { data } = readUpstream(DataSchema, body, "feishu.find_by_department");
    const map = { connection, includeRaw: input.include === "raw", expose: config.expose, idType };
    return {
      items: (data.items ?? []).map((raw) =>
        feishuUserToDirectoryUser(
          readUpstream(FeishuUserSchema, raw, "feishu.find_by_department"),
          raw as Record<string, unknown>,
          map,
        ),
      ),
      nextPageToken: upstreamCursor.next(scope, data.has_more ? data.page_token : undefined),
    };
  },
};
