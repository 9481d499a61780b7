import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Sandbox } from "@dirgate/sandbox";
import { type Figure, functionEnv, round } from "./lib.ts";

const run = promisify(execFile);

/** Memory held by a container after N requests naming distinct unknown connection ids (a process of its own). */
export async function unknownConnections(sbx: Sandbox, total: number): Promise<Figure[]> {
  sbx.reset();
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", new URL("./unknown-connections-child.ts", import.meta.url).pathname, String(total)],
    { env: { ...process.env, ...functionEnv(sbx) }, maxBuffer: 8 << 20 },
  );
  const { before, after, notFound } = JSON.parse(stdout.trim().split("\n").pop()!) as {
    before: { rss: number; heap: number };
    after: { rss: number; heap: number };
    notFound: number;
  };
  const heapMB = (after.heap - before.heap) / 1e6;
  const rssMB = (after.rss - before.rss) / 1e6;
  return [
    {
      name: `memory: heap growth after GC, ${total} requests naming distinct unknown connection ids`,
      value: round(heapMB, 2),
      unit: "MB",
      target: "< 5",
      meets: heapMB < 5,
    },
    {
      name: "memory: RSS growth over the same requests",
      value: round(rssMB, 1),
      unit: "MB",
      target: "< 60",
      meets: rssMB < 60,
    },
    {
      name: "memory: answered 404 CONNECTION_NOT_FOUND",
      value: notFound,
      unit: "answers",
      target: `= ${total}`,
      meets: notFound === total,
    },
  ];
}
