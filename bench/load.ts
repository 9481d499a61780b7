import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { type Figure, round } from "./lib.ts";

/** The local API under load: autocannon against `npm start` (its own process and sandbox). */
export async function localApiLoad(seconds: number, connections = 32): Promise<Figure[]> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("../packages/dev/src/start.ts", import.meta.url).pathname],
    {
      env: { ...process.env, PORT: "0", LOG_LEVEL: "SILENT" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let url = "";
  for await (const line of createInterface({ input: child.stdout! })) {
    const found = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
    if (found) {
      url = found[1]!;
      break;
    }
  }
  // RSS of the API process, from the outside (VmRSS), before and after the measured run.
  const rssOf = (pid: number | undefined) => {
    const status = pid ? readFileSync(`/proc/${pid}/status`, "utf8") : "";
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
  };
  try {
    await autocannon({
      url: `${url}/v1/connections/demo-dingtalk/users/zhangsan`,
      connections,
      duration: Math.max(1, Math.round(seconds / 2)),
    });
    const rssBefore = rssOf(child.pid);
    const result = await autocannon({
      url: `${url}/v1/connections/demo-dingtalk/users/zhangsan`,
      connections,
      duration: seconds,
    });
    const rssAfter = rssOf(child.pid);
    return [
      {
        name: `load: requests per second (GET user-by-id, ${connections} connections, ${seconds} s)`,
        value: round(result.requests.average, 0),
        unit: "req/s",
      },
      { name: "load: latency p50", value: result.latency.p50, unit: "ms" },
      { name: "load: latency p99", value: result.latency.p99, unit: "ms" },
      {
        name: "load: non-2xx answers",
        value: result.non2xx + result.errors,
        unit: "answers",
        target: "= 0",
        meets: result.non2xx + result.errors === 0,
      },
      {
        name: "load: RSS growth over the run (after a warm-up run)",
        value: round(rssAfter / rssBefore, 3),
        unit: "×",
        target: "< 1.2",
        meets: rssAfter / rssBefore < 1.2,
      },
    ];
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}
