import { type CallOptions, DirgateError } from "@dirgate/core";
import pLimit from "p-limit";
import * as z from "zod";
import { numish, readUpstream } from "../coerce.ts";
import type { ProviderContext } from "../provider.ts";
import type { EiamConnection } from "./connection.ts";
import { type EiamOrg, EiamOrgSchema } from "./department.ts";
import type { EiamEndpoint } from "./transport.ts";

/** One organisation as read: its checked fields and the upstream record (for `include=raw`). */
export interface OrgEntry {
  org: EiamOrg;
  raw: Record<string, unknown>;
}

type Ctx = ProviderContext<EiamConnection, EiamEndpoint>;

const ListSchema = z.object({
  total: numish,
  organizations: z.array(z.record(z.string(), z.unknown())),
});

/** The largest page the organisations list serves (`limit` 10–100, obtain-org.html). */
const PAGE = 100;
/** How long a read list is reused by the pages of one listing (and by other listings of it). */
const TREE_TTL_MS = 60_000;

/**
 * `GET /api/v2/tenant/organizations?org_id&all_child&offset&limit`, every page. `offset` is a page
 * number from 0; the first page says `total`, the others are read a few at a time. Huawei
 * OneAccess ListOrganizations' table: `org_id` + `all_child=false` → the organisation and its next
 * level; `org_id` + `all_child=true` → the organisation and its whole subtree. A failing page
 * fails the read (never a short list); an organisation seen twice (the tree moved between pages)
 * is kept once. An empty list is checked against the organisation itself, so an unknown id is
 * DEPARTMENT_NOT_FOUND whether the list answers `ORG.0001` or nothing.
 */
async function listOrganizations(
  ctx: Ctx,
  orgId: string,
  allChild: boolean,
  options?: CallOptions,
): Promise<OrgEntry[]> {
  const page = async (offset: number) => {
    const body = await ctx.api.call(
      "organizations",
      {
        query: { org_id: orgId, all_child: String(allChild), offset: String(offset), limit: String(PAGE) },
      },
      options,
    );
    return readUpstream(ListSchema, body, "eiam.organizations");
  };
  const first = await page(0);
  const pages = Math.ceil(first.total / PAGE);
  const limit = pLimit(4);
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pages - 1) }, (_, i) => limit(() => page(i + 1))),
  );
  const seen = new Set<string>();
  const out: OrgEntry[] = [];
  for (const raw of [first, ...rest].flatMap((p) => p.organizations)) {
    const org = readUpstream(EiamOrgSchema, raw, "eiam.organizations");
    if (seen.has(org.org_id)) continue;
    seen.add(org.org_id);
    out.push({ org, raw });
  }
  if (out.length === 0) await confirmOrganization(ctx, orgId, options);
  return out;
}

/** Throws DEPARTMENT_NOT_FOUND (`ORG.0001`) when the organisation does not exist. */
export async function confirmOrganization(ctx: Ctx, orgId: string, options?: CallOptions): Promise<void> {
  await ctx.api.call("organization.get", { params: { org_id: orgId } }, options);
}

/** Siblings in display order (`sequence` ascending; ties keep upstream order). */
function bySequence(entries: OrgEntry[]): OrgEntry[] {
  return entries
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => (a.entry.org.sequence ?? 0) - (b.entry.org.sequence ?? 0) || a.i - b.i)
    .map(({ entry }) => entry);
}

/**
 * The organisations under `rootId`, breadth-first by their `parent_id` links (parents before
 * children, siblings in display order), the root itself excluded. The vendor documents no order
 * for the list, so dirgate orders it; an organisation not linked to the root is left out.
 */
export function orderSubtree(rootId: string, entries: readonly OrgEntry[]): OrgEntry[] {
  const children = new Map<string, OrgEntry[]>();
  for (const entry of entries) {
    const parent = entry.org.parent_id;
    if (!parent || entry.org.org_id === rootId) continue;
    const siblings = children.get(parent) ?? [];
    siblings.push(entry);
    children.set(parent, siblings);
  }
  const out: OrgEntry[] = [];
  const seen = new Set([rootId]);
  const queue = [rootId];
  while (queue.length > 0) {
    for (const child of bySequence(children.get(queue.shift()!) ?? [])) {
      if (seen.has(child.org.org_id)) continue;
      seen.add(child.org.org_id);
      out.push(child);
      queue.push(child.org.org_id);
    }
  }
  return out;
}

/** An organisation's direct children in display order (one list read, `all_child=false`, kept 60 s). */
export function listChildren(ctx: Ctx, orgId: string, options?: CallOptions): Promise<OrgEntry[]> {
  return ctx.memo(`eiam children ${orgId}`, TREE_TTL_MS, async () =>
    bySequence(
      (await listOrganizations(ctx, orgId, false, options)).filter((e) => e.org.parent_id === orgId),
    ),
  );
}

/**
 * The whole subtree under an organisation, breadth-first, the root excluded: one list read
 * (`all_child=true`, ⌈(n + 1) / 100⌉ calls), kept 60 s so that the pages of a listing — and a
 * recursive member walk — do not read it again.
 */
export function subtree(ctx: Ctx, rootId: string, options?: CallOptions): Promise<OrgEntry[]> {
  return ctx.memo(`eiam subtree ${rootId}`, TREE_TTL_MS, async () =>
    orderSubtree(rootId, await listOrganizations(ctx, rootId, true, options)),
  );
}

/**
 * What `root` names on EIAM: the tenant's root organisation. EIAM has no fixed root id — roots are
 * organisations with `parent_id: null`, listed by `organizations` without `org_id` and with
 * `all_child=false` — so it is read once and kept like the tree. A tenant with several roots has no
 * single answer: the request is refused with their ids, so the caller can name one.
 */
export function rootOrganizationId(ctx: Ctx, options?: CallOptions): Promise<string> {
  return ctx.memo("root organisation", TREE_TTL_MS, async () => {
    const body = await ctx.api.call(
      "organizations",
      { query: { all_child: "false", offset: "0", limit: String(PAGE) } },
      options,
    );
    const list = readUpstream(ListSchema, body, "eiam.organizations");
    const roots = list.organizations
      .map((raw) => readUpstream(EiamOrgSchema, raw, "eiam.organizations"))
      .filter((org) => org.parent_id === null || org.parent_id === undefined || org.parent_id === "");
    if (roots.length === 1) return roots[0]!.org_id;
    if (roots.length === 0)
      throw new DirgateError("DEPARTMENT_NOT_FOUND", "the tenant has no root organisation");
    throw new DirgateError(
      "INVALID_REQUEST",
      `the tenant has ${list.total} root organisations: name one (${roots
        .slice(0, 10)
        .map((o) => o.org_id)
        .join(", ")}${roots.length > 10 ? ", …" : ""})`,
    );
  });
}
