import { type CallOptions, type DepartmentUsersInput, DirgateError, type UserPage } from "@dirgate/core";
import * as z from "zod";
import { boolish, numish, readUpstream } from "../coerce.ts";
import type { DingTalkApi } from "./api.ts";
import { DingTalkUserSchema, dingTalkUserToDirectoryUser } from "./user.ts";

/** `POST /topapi/v2/user/list`: a department's direct members, cursor-paged, at most 100 a page. */
const ResultSchema = z.object({
  result: z.object({
    has_more: boolish,
    next_cursor: numish.optional(),
    list: z.array(z.unknown()),
  }),
});

const MAX_PAGE = 100;

export async function listDepartmentUsers(
  api: DingTalkApi,
  input: DepartmentUsersInput,
  options?: CallOptions,
): Promise<UserPage> {
  if (!/^\d{1,19}$/.test(input.departmentId)) {
    throw new DirgateError("INVALID_REQUEST", "DingTalk department ids are numbers", {
      details: [{ path: "departmentId", message: "expected a number such as 1 or 5" }],
    });
  }
  if ((input.idType ?? "userId") !== "userId" || input.departmentIdType === "openDepartmentId") {
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
    "dingtalk.user.list",
    "POST",
    "/topapi/v2/user/list",
    { body: { dept_id: Number(input.departmentId), cursor, size: Math.min(input.pageSize ?? 50, MAX_PAGE) } },
    options,
  );
  const { result } = readUpstream(ResultSchema, body, "dingtalk.user.list");
  const map = {
    connection: api.connection,
    includeRaw: input.includeRaw ?? false,
    expose: api.config.expose,
  };
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
}
