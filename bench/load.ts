import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { type Figure, round } from "./lib.ts";

/** The local API under load: autocannon against `npm start` (its own process and sandbox). */
export async function localApiLoad(seconds: number, connections = 32): Promise<Figure[]> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("../packages/lambda/src/start.ts", import.meta.url).pathname],
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
  try {
    const result = await autocannon({
      url: `${url}/v1/connections/demo-dingtalk/users/zhangsan`,
      connections,
      duration: seconds,
    });
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
    ];
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}
