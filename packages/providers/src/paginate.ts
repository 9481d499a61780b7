import { type CallOptions, type DirectoryUser, DirgateError, type OperationInput } from "@dirgate/core";
import type { ProviderClient } from "./provider.ts";

/**
 * Every member of a department, page after page. A page that fails throws: the iteration never
 * ends quietly with half a list (the official Feishu SDK's iterator does exactly that).
 */
export async function* iterateDepartmentUsers(
  client: ProviderClient,
  input: OperationInput<"departmentUsers">,
  options?: CallOptions,
): AsyncGenerator<DirectoryUser> {
  const seen = new Set<string>();
  let pageToken = input.pageToken;
  do {
    const page = await client.run("departmentUsers", { ...input, pageToken }, options);
    yield* page.items;
    if (page.nextPageToken !== null && seen.has(page.nextPageToken)) {
      throw new DirgateError(
        "UPSTREAM_ERROR",
        "upstream returned a page token it had returned before: paging would never end",
      );
    }
    if (page.nextPageToken !== null) seen.add(page.nextPageToken);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
}
