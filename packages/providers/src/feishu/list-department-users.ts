import type { CallOptions, DepartmentUsersInput, UserPage } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { FeishuApi } from "./api.ts";
import { FEISHU_ID_FIELDS, FeishuUserSchema, feishuUserToDirectoryUser } from "./user.ts";

/** `GET /open-apis/contact/v3/users/find_by_department` (seed 004): direct members, ≤ 50 a page. */
const DataSchema = z.object({
  data: z.object({
    has_more: z.boolean(),
    page_token: z.string().optional(),
    // Each item is read by FeishuUserSchema below; validating its keys here too would be paid twice.
    items: z.array(z.unknown()).optional(),
  }),
});

const MAX_PAGE = 50;

export async function listDepartmentUsers(
  api: FeishuApi,
  input: DepartmentUsersInput,
  options?: CallOptions,
): Promise<UserPage> {
  const idType = input.idType ?? "userId";
  // Feishu's own default is open_department_id; an id that does not look like one is a custom department_id.
  const departmentIdType =
    input.departmentIdType ??
    (input.departmentId === "0" || input.departmentId.startsWith("od-")
      ? "openDepartmentId"
      : "departmentId");
  const body = await api.call(
    "feishu.find_by_department",
    "GET",
    "/open-apis/contact/v3/users/find_by_department",
    {
      query: {
        department_id: input.departmentId,
        department_id_type: departmentIdType === "departmentId" ? "department_id" : "open_department_id",
        user_id_type: FEISHU_ID_FIELDS[idType],
        page_size: String(Math.min(input.pageSize ?? MAX_PAGE, MAX_PAGE)),
        page_token: input.pageToken,
      },
      codes: { 40004: "DEPARTMENT_NOT_FOUND", 41050: "PROVIDER_PERMISSION_DENIED" },
    },
    options,
  );
  const { data } = readUpstream(DataSchema, body, "feishu.find_by_department");
  const map = {
    connection: api.connection,
    includeRaw: input.includeRaw ?? false,
    expose: api.config.expose,
    idType,
  };
  return {
    items: (data.items ?? []).map((raw) =>
      feishuUserToDirectoryUser(
        readUpstream(FeishuUserSchema, raw, "feishu.find_by_department"),
        raw as Record<string, unknown>,
        map,
      ),
    ),
    nextPageToken: data.has_more && data.page_token ? data.page_token : null,
  };
}
