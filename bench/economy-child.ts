import { buildHttpEvent, lambdaContext, matchRoute } from "@dirgate/dev";
import pLimit from "p-limit";

/** A cold container: N lookups at concurrency C over the demo connections, through the full handler. */
const [total, concurrency] = process.argv.slice(2).map(Number) as [number, number];
const { handler } = await import("../functions/user-by-id.ts");
const paths = [
  "/v1/connections/demo-dingtalk/users/zhangsan",
  "/v1/connections/demo-dingtalk-legacy/users/zhangsan",
  "/v1/connections/demo-feishu/users/3e3cf96b",
  "/v1/connections/demo-eiam/users/20220825141325371-4D03-81EF80243",
];
const limit = pLimit(concurrency);
let failures = 0;
await Promise.all(
  Array.from({ length: total }, (_, i) =>
    limit(async () => {
      const url = paths[i % paths.length]!;
      const matched = matchRoute("GET", url);
      if (matched instanceof Error) throw matched;
      const event = buildHttpEvent(
        { method: "GET", url, headers: {}, body: Buffer.alloc(0) },
        matched.route,
        matched.params,
      );
      const out = (await (handler as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number }>)(
        event,
        lambdaContext("economy"),
      )) as { statusCode: number };
      if (out.statusCode !== 200) failures += 1;
    }),
  ),
);
process.stdout.write(`${JSON.stringify({ failures })}\n`);
process.exit(0);
