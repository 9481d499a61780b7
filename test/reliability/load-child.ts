import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { HTTP_LAMBDAS } from "@dirgate/core";
import { type LambdaHandler, startLocalServer } from "@dirgate/dev";
import { startSandbox } from "@dirgate/sandbox";
import pLimit from "p-limit";

/**
 * The load run of the reliability suite, in a process of its own (a clean RSS to measure):
 * 10 000 requests at concurrency 64 against the local API with 1 % injected faults. Logs go to
 * stdout for the parent to check; the last line is the report.
 */
v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const settled = () => {
  gc();
  gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heap: heapUsed, native: external + arrayBuffers };
};

const total = Number(process.argv[2] ?? 10_000);
const sbx = await startSandbox();
const described = sbx.describe();
Object.assign(process.env, {
  DIRGATE_SECRET_PREFIX: sbx.secretPrefix,
  DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "sandbox",
  AWS_SECRET_ACCESS_KEY: "sandbox",
  LOG_LEVEL: "DEBUG",
  DIRGATE_UPSTREAM_TIMEOUT_MS: "1000",
});
const handlers: Record<string, LambdaHandler> = {};
for (const lambda of HTTP_LAMBDAS) {
  handlers[lambda] = ((await import(`../../functions/${lambda}.ts`)) as { handler: LambdaHandler }).handler;
}
const server = await startLocalServer({ port: 0, handlers });
const requests = [
  { method: "GET", path: "/v1/connections/demo-dingtalk/users/zhangsan" },
  { method: "GET", path: "/v1/connections/demo-feishu/users/3e3cf96b" },
  { method: "POST", path: "/v1/connections/demo-eiam/users/by-mobile", body: '{"mobile":"15204130007"}' },
  {
    method: "GET",
    path: "/v1/connections/demo-feishu/departments/od-4e6ac4d14bcd5071a37a39de902c7141/users?pageSize=10",
  },
  { method: "GET", path: "/v1/connections/demo-dingtalk-legacy/users/zhangsan" },
  {
    method: "POST",
    path: "/v1/connections/demo-dingtalk/users/by-mobile",
    body: '{"mobile":"+86 138 0013 8000"}',
  },
];
const statuses: Record<number, number> = {};
const codes = new Set<string>();
let peakRss = 0;
const fire = async (i: number) => {
  if (i % 100 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const r = requests[i % requests.length]!;
  const res = await fetch(`${server.url}${r.path}`, {
    method: r.method,
    ...(r.body ? { body: r.body, headers: { "content-type": "application/json" } } : {}),
  });
  const text = await res.text();
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  if (res.status !== 200) codes.add((JSON.parse(text) as { code: string }).code);
};
for (const e of [sbx.dingtalk.emulator, sbx.feishu.emulator, sbx.eiam.emulator])
  e.addFault({ kind: "http503", rate: 0.01 });
const limit = pLimit(64);
// Warm-up under the same load, long enough for the process to reach its working set: V8 grows its
// young generation to its cap under this allocation rate (a one-time step, not retained data), and
// Node 22's takes several thousand requests. Measured: flat after that.
await Promise.all(Array.from({ length: 10_000 }, (_, i) => limit(() => fire(i))));
const before = { ...settled(), peakRss };
for (const key of Object.keys(statuses)) delete statuses[Number(key)];
codes.clear();
await Promise.all(Array.from({ length: total }, (_, i) => limit(() => fire(i))));
const after = settled();
const tokens = [...sbx.dingtalk.issuedTokens(), ...sbx.feishu.issuedTokens(), ...sbx.eiam.issuedTokens()];
await server.close();
await sbx.stop();
process.stdout.write(`\nREPORT ${JSON.stringify({ statuses, codes: [...codes], before, after, tokens })}\n`);
process.exit(0);
