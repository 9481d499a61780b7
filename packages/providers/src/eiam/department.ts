import type { DirectoryDepartment } from "@dirgate/core";
import * as z from "zod";
import { boolish, numish, readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import { compact, filterRaw } from "../raw.ts";
import { refuseOpenDepartmentIds } from "../unsupported.ts";
import type { EiamConnection } from "./connection.ts";
import type { EiamEndpoint } from "./transport.ts";
import { EIAM_SENSITIVE_FIELDS } from "./user.ts";

/**
 * An organisation as `GET /api/v2/tenant/organizations/{org_id}` and the organisations list send
 * it (open.bccastle.com/en/development/eiam/api/org/org-id.html: `org_id`, `parent_id` null at a
 * root, `name`, `category`, `org_code`, `sequence` "Display Order", `disabled`, dates, `extension`).
 */
export const EiamOrgSchema = z.looseObject({
  org_id: z.string().min(1),
  parent_id: z.string().nullish(),
  name: z.string(),
  org_code: z.string().nullish(),
  sequence: numish.nullish(),
  disabled: boolish.nullish(),
});
export type EiamOrg = z.infer<typeof EiamOrgSchema>;

export interface EiamOrgMapOptions {
  connection: string;
  includeRaw: boolean;
  expose: readonly string[];
}

/** Maps an EIAM organisation to DirectoryDepartment (docs/providers.md, EIAM department column). */
export function eiamOrgToDirectoryDepartment(
  raw: Record<string, unknown>,
  options: EiamOrgMapOptions,
): DirectoryDepartment {
  const org = readUpstream(EiamOrgSchema, raw, "eiam.organization");
  return compact({
    provider: "eiam",
    connection: options.connection,
    id: org.org_id,
    // A root organisation has `parent_id: null` (obtain-org.html's example); a tenant may have several.
    parentId: org.parent_id ? org.parent_id : null,
    name: org.name,
    order: org.sequence ?? undefined,
    // The same policy as users: nothing sensitive in `raw` unless the connection exposes it.
    raw: options.includeRaw ? filterRaw(raw, EIAM_SENSITIVE_FIELDS, options.expose) : undefined,
  }) as DirectoryDepartment;
}

/** `GET /api/v2/tenant/organizations/{org_id}`: one call; `ORG.0001` → DEPARTMENT_NOT_FOUND. */
export const department: Implementation<"department", EiamConnection, EiamEndpoint> = {
  upstream: "api/v2/tenant/organizations/{org_id}",
  async run({ api, connection, config }, input, options) {
    refuseOpenDepartmentIds("EIAM", input);
    const body = await api.call("organization.get", { params: { org_id: input.departmentId } }, options);
    return eiamOrgToDirectoryDepartment(body, {
      connection,
      includeRaw: input.include === "raw",
      expose: config.expose,
    });
  },
};
