/** A mistake on the command line: one line on stderr, exit 2. */
export class UsageError extends Error {}

/** The operation could not be done: one line (or a report), exit 1. */
export class Failure extends Error {}

/** parseArgs' message, first sentence only (its hint about `--` does not help a user here). */
export function oneLine(error: unknown): string {
  return ((error as Error)?.message?.split("\n")[0] ?? "").replace(
    /\. To specify a positional argument.*$/,
    "",
  );
}
