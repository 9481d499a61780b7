import { DirgateError } from "@dirgate/core";
import * as z from "zod";
import { boolish, numish, readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import type { DingTalkConnection } from "./connection.ts";
import type { DingTalkEndpoint } from "./transport.ts";
import { DingTalkUserSchema, dingTalkUserToDirectoryUser } from "./user.ts";

const ResultSchema = z.object({
  result: z.object({
    has_more: boolish,
    next_cursor: numish.optional(),
    list: z.array(z.unknown()),
  }),
});

const MAX_PAGE = 100;

/** `POST /topapi/v2/user/list`: a department's direct members, cursor-paged, at most 100 a page. */
export const departmentUsers: Implementation<"departmentUsers", DingTalkConnection, DingTalkEndpoint> = {
  upstream: "topapi/v2/user/list (numeric department ids, ≤ 100 a page)",
  async run({ api, connection, config }, input, options) {
    if (!/^\d{1,19}$/.test(input.departmentId)) {
      throw new DirgateError("INVALID_REQUEST", "DingTalk department ids are numbers", {
        details: [{ path: "departmentId", message: "expected a number such as 1 or 5" }],
      });
    }
    if (input.idType !== "userId" || input.departmentIdType === "openDepartmentId") {
      throw new DirgateError(
        "UNSUPPORTED_OPERATION",
        "dingtalk connections list users by userId and numeric department id",
      );
    }
    const cursor = input.pageToken === undefined ? 0 : Number(input.pageToken);
    if (!Number.isSafeInteger(cursor) || cursor < 0) {
      throw new DirgateError("INVALID_REQUEST", "pageToken is not one this API returned", {
        details: [{ path: "pageToken", message: "pass nextPageToken from the previous page" }],
      });
    }
    const body = await api.call(
      "user.list",
      { body: { dept_id: Number(input.departmentId), cursor, size: Math.min(input.pageSize, MAX_PAGE) } },
      options,
    );
    const { result } = readUpstream(ResultSchema, body, "dingtalk.user.list");
    const map = { connection, includeRaw: input.include === "raw", expose: config.expose };
    return {
      items: result.list.map((raw) =>
        dingTalkUserToDirectoryUser(
          readUpstream(DingTalkUserSchema, raw, "dingtalk.user.list"),
          raw as Record<string, unknown>,
          map,
        ),
      ),
      nextPageToken: result.has_more && result.next_cursor !== undefined ? String(result.next_cursor) : null,
    };
  },
};
