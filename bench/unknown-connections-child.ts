import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { buildHttpEvent, lambdaContext, matchRoute } from "@dirgate/dev";
import pLimit from "p-limit";

/**
 * A container under a caller that names a new, unknown connection id on every request: its
 * retained heap and RSS after a full GC, before and after N such requests (issue 11's bound).
 */
v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const settled = () => {
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heap: heapUsed };
};
const total = Number(process.argv[2] ?? 10_000);
const { handler } = (await import("../functions/user-by-id.ts")) as unknown as {
  handler: (e: unknown, c: unknown) => Promise<{ statusCode: number }>;
};
const limit = pLimit(32);
const ask = (i: number, prefix: string) =>
  limit(async () => {
    const url = `/v1/connections/${prefix}-${i}/users/zhangsan`;
    const matched = matchRoute("GET", url);
    if (matched instanceof Error) throw matched;
    const event = buildHttpEvent(
      { method: "GET", url, headers: {}, body: Buffer.alloc(0) },
      matched.route,
      matched.params,
    );
    const out = await handler(event, lambdaContext("unknown-connections"));
    return out.statusCode;
  });
// Warm-up: code paths compiled, the negative cache filled to its bound.
await Promise.all(Array.from({ length: 2_000 }, (_, i) => ask(i, "warm")));
const before = settled();
const statuses = await Promise.all(Array.from({ length: total }, (_, i) => ask(i, "nobody")));
const after = settled();
const notFound = statuses.filter((s) => s === 404).length;
process.stdout.write(`${JSON.stringify({ before, after, notFound })}\n`);
process.exit(0);
