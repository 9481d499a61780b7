import type { CallOptions, DirectoryDepartment } from "@dirgate/core";
import pLimit from "p-limit";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { ProviderContext } from "../provider.ts";
import type { DingTalkConnection } from "./connection.ts";
import { dingTalkDepartmentId, dingTalkDepartmentToDirectory } from "./department.ts";
import type { DingTalkEndpoint } from "./transport.ts";

const ListSchema = z.object({ result: z.array(z.record(z.string(), z.unknown())) });

/** How long a walked subtree is reused by the pages of one listing (and by other listings of it). */
const SUBTREE_TTL_MS = 60_000;

/** `POST /topapi/v2/department/listsub`: a department's direct children (unpaged). */
export async function listChildren(
  ctx: ProviderContext<DingTalkConnection, DingTalkEndpoint>,
  departmentId: string,
  language: string | undefined,
  includeRaw: boolean,
  options?: CallOptions,
): Promise<DirectoryDepartment[]> {
  const body = await ctx.api.call(
    "department.listsub",
    { body: { dept_id: dingTalkDepartmentId(departmentId), language: language ?? "zh_CN" } },
    options,
  );
  const { result } = readUpstream(ListSchema, body, "dingtalk.department.listsub");
  return result.map((raw) => dingTalkDepartmentToDirectory(raw, { connection: ctx.connection, includeRaw }));
}

/**
 * The subtree under a department, breadth-first (parents before children, siblings in DingTalk's
 * order), the root itself excluded: one `listsub` per department, a few at a time, kept briefly
 * so a paged listing does not walk the tree again for every page.
 */
export function subtree(
  ctx: ProviderContext<DingTalkConnection, DingTalkEndpoint>,
  rootId: string,
  language: string | undefined,
  includeRaw: boolean,
  options?: CallOptions,
): Promise<DirectoryDepartment[]> {
  return ctx.memo(`subtree ${rootId} ${language ?? ""} ${includeRaw}`, SUBTREE_TTL_MS, async () => {
    const out: DirectoryDepartment[] = [];
    const limit = pLimit(4);
    let level = [rootId];
    while (level.length > 0) {
      const children = await Promise.all(
        level.map((id) => limit(() => listChildren(ctx, id, language, includeRaw, options))),
      );
      const next = children.flat();
      out.push(...next);
      level = next.map((d) => d.id);
    }
    return out;
  });
}
