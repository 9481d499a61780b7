/**
 * The upstream record for `include=raw`, minus sensitive fields unless the connection exposes them.
 */
export function filterRaw(
  record: Record<string, unknown>,
  sensitive: readonly string[],
  expose: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (sensitive.includes(key) && !expose.includes(key)) continue;
    out[key] = value;
  }
  return out;
}

/** Drops undefined values so that absent fields stay absent in JSON. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  for (const key in value) if (value[key] === undefined) delete value[key];
  return value;
}

/** Epoch milliseconds (number or numeric string) → ISO 8601, or undefined. */
export function isoFromEpochMs(value: number | undefined): string | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
