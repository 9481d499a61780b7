/**
 * Rules between fields of one input, shared by the operations that have both fields.
 *
 * `include=raw` with `idsOnly`: an ids-only answer has no upstream record to include, and silently
 * ignoring one of the two would surprise; the request is refused with a reason instead.
 */
export const noRawWithIdsOnly = (input: { idsOnly?: boolean; include?: "raw" }) =>
  !(input.idsOnly && input.include === "raw");

export const RAW_WITH_IDS_ONLY = {
  message: "include=raw has no upstream record to add when idsOnly is true: drop one of them",
  path: ["include"],
};
