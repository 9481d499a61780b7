import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Sandbox } from "@dirgate/sandbox";
import { type Figure, functionEnv } from "./lib.ts";

const run = promisify(execFile);

/** Upstream economy: N lookups at concurrency 50 on one cold container → 1 token and 1 secret fetch per connection. */
export async function upstreamEconomy(sbx: Sandbox, total: number): Promise<Figure[]> {
  sbx.reset();
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", new URL("./economy-child.ts", import.meta.url).pathname, String(total), "50"],
    {
      env: { ...process.env, ...functionEnv(sbx) },
    },
  );
  const { failures } = JSON.parse(stdout.trim().split("\n").pop()!) as { failures: number };
  const sm = sbx.secretsManager.emulator;
  const secretFetches = ["demo-dingtalk", "demo-dingtalk-legacy", "demo-feishu", "demo-eiam"].map((id) =>
    sm.counter(`GetSecretValue dirgate/local/connections/${id}`),
  );
  const dt = sbx.dingtalk.emulator;
  const fs = sbx.feishu.emulator;
  const ei = sbx.eiam.emulator;
  // The two DingTalk connections are two apps: one gettoken each.
  const tokenCalls = [
    dt.counter("GET /gettoken") / 2,
    fs.counter("POST /open-apis/auth/v3/tenant_access_token/internal"),
    ei.counter("POST /api/v2/tenant/token"),
  ];
  const apiCalls =
    dt.counter("POST /topapi/v2/user/get") +
    dt.counter("GET /user/get") +
    fs.counter("GET /open-apis/contact/v3/users/:user_id") +
    ei.counter("GET /api/v2/tenant/users/:user_id");
  return [
    {
      name: `economy: token calls per connection (${total} lookups, concurrency 50, cold)`,
      value: Math.max(...tokenCalls),
      unit: "calls",
      target: "= 1",
      meets: tokenCalls.every((n) => n === 1),
    },
    {
      name: "economy: secret fetches per connection",
      value: Math.max(...secretFetches),
      unit: "calls",
      target: "= 1",
      meets: secretFetches.every((n) => n === 1),
    },
    {
      name: "economy: redundant upstream calls",
      value: apiCalls - total,
      unit: "calls",
      target: "= 0",
      meets: apiCalls === total,
    },
    { name: "economy: failed lookups", value: failures, unit: "calls", target: "= 0", meets: failures === 0 },
  ];
}
