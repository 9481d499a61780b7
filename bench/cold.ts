import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createChangePipeline } from "@dirgate/dev";
import {
  createFeishuChannel,
  DEFAULT_CALLBACK_KNOBS,
  DEMO_CALLBACK_CREDENTIALS,
  DEMO_CREDENTIALS,
  FEISHU_DEMO_TENANT_KEY,
  type OrgChange,
  type Sandbox,
} from "@dirgate/sandbox";
import { apiEvent } from "../test/helpers/lambda.ts";
import { BUNDLE_OUT, type BuiltBundle, buildLikeSst, esbuildVersion, functionNames } from "./bundle.ts";
import { type Figure, functionEnv, percentile, round } from "./lib.ts";
import { SST_ESBUILD_VERSION, SST_VERSION } from "./sst-esbuild.ts";

const run = promisify(execFile);
const CHILD = new URL("./cold-child.mjs", import.meta.url).pathname;
const BIG = "od-5caa30529e8feabe141512b5c3c7153a";
const FEISHU_RD = "od-4e6ac4d14bcd5071a37a39de902c7141";

/** The Lambda runtime's Node: nodejs22.x. */
export const LAMBDA_NODE_MAJOR = 22;

/** The functions with the bundle-size target (≤ 120 KB): the lookups, HTTP and batch. */
const LOOKUPS = new Set([
  "users-by-mobile",
  "users-by-email",
  "users-lookup",
  "user-by-id",
  "department",
  "department-children",
  "department-users",
  "lookup-batch",
]);
const TARGET = { bundleKB: 120, importMs: 30, overMs: 10, rssMB: 90 };
/** The lookup whose top modules are listed as figures (the other lookups hold the same code). */
const TOP_MODULES_OF = "users-by-mobile";
const PEER = "peer: department-users on @larksuiteoapi/node-sdk";

export interface NodeBinary {
  path: string;
  version: string;
  /** Set when it is not the Lambda runtime's major version: why. */
  note?: string;
}

let resolvedNode: Promise<NodeBinary> | undefined;

/**
 * The Node 22 binary to run cold starts on: this process's when it is Node 22, else the one
 * `npx -y node@22` fetches (resolved once, then spawned directly: npx per run would cost seconds).
 * Falls back to this process's Node, with a note every figure name then carries.
 */
export function lambdaNode(): Promise<NodeBinary> {
  resolvedNode ??= (async () => {
    const major = Number(process.versions.node.split(".")[0]);
    if (major === LAMBDA_NODE_MAJOR) return { path: process.execPath, version: process.version };
    try {
      const { stdout } = await run(
        "npx",
        ["-y", `node@${LAMBDA_NODE_MAJOR}`, "-p", "process.execPath + ' ' + process.version"],
        { timeout: 180_000 },
      );
      const [path, version] = stdout.trim().split("\n").pop()!.split(" ");
      if (path && version?.startsWith(`v${LAMBDA_NODE_MAJOR}.`)) return { path, version };
      throw new Error(`npx node@${LAMBDA_NODE_MAJOR} answered ${stdout.trim()}`);
    } catch (error) {
      const note = `node@${LAMBDA_NODE_MAJOR} unavailable (${String((error as Error).message ?? error).slice(0, 120)}): measured on ${process.version}`;
      process.stderr.write(`\nbench: ${note}\n`);
      return { path: process.execPath, version: process.version, note };
    }
  })();
  return resolvedNode;
}

interface RawRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Target {
  name: string;
  entry: string;
  event: unknown;
  peer?: boolean;
}

interface Sample {
  node: string;
  importMs: number;
  firstAnswerMs: number;
  roundTripsMs: number;
  roundTrips: number;
  importCpuMs: number;
  firstAnswerCpuMs: number;
  roundTripsCpuMs: number;
  status?: number;
  maxRssMB: number;
  undici: { before: boolean; atImport: boolean; atFirstAnswer: boolean };
}

export interface ColdResult {
  bundle: BuiltBundle;
  importMs: number;
  firstMs: number;
  overMs: number;
  rssMB: number;
  /** CPU time (all threads) of the import and of the first answer minus the raw round trips': diagnostics for comparisons on a busy machine. */
  importCpuMs: number;
  overCpuMs: number;
  roundTrips: number;
  /** Where Node loaded undici (its fetch), if it did: at import, or inside the first request. */
  undici?: "at import" | "on the first request";
}

/** An SQS event as Lambda's event source mapping delivers it (one record per body). */
function sqsEvent(queue: string, bodies: string[], fifo = false) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `cold-${i}`,
      receiptHandle: `cold-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: String(Date.now()),
        SenderId: "AIDACOLD",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        ...(fifo ? { MessageGroupId: `group-${i}`, MessageDeduplicationId: `dedup-${i}` } : {}),
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
      awsRegion: "us-east-1",
    })),
  };
}

/** A Feishu `contact.user.updated_v3` push for zhangsan, sealed by the sandbox's Feishu (signed, encrypted). */
function feishuCallbackEvent(sbx: Sandbox) {
  const channel = createFeishuChannel({
    connection: "demo-feishu",
    appId: DEMO_CREDENTIALS.feishu.appId,
    tenantKey: FEISHU_DEMO_TENANT_KEY,
    ...DEMO_CALLBACK_CREDENTIALS.feishu,
  });
  let change: OrgChange | undefined;
  const stop = sbx.org.onChange((c) => {
    change ??= c;
  });
  const title = sbx.org.people.find((p) => p.key === "zhangsan")?.title;
  sbx.org.updatePerson("zhangsan", { title: `${title ?? ""} (cold)` });
  stop();
  const [built] = change ? channel.eventsFor(change, sbx.org, DEFAULT_CALLBACK_KNOBS) : [];
  if (!built) throw new Error("the sandbox's Feishu built no event for a change to zhangsan");
  const sealed = channel.seal(built, "http://127.0.0.1/v1/connections/demo-feishu/callback", false);
  return apiEvent("POST", "/v1/connections/demo-feishu/callback", {
    headers: sealed.headers,
    body: sealed.body,
  });
}

/** One cold start of every function in `functions/`, each with a request that reaches upstream. */
export function targets(sbx: Sandbox): Target[] {
  const change = {
    v: 1,
    connection: "demo-dingtalk",
    provider: "dingtalk",
    change: {
      kind: "user",
      action: "updated",
      id: "zhangsan",
      occurredAt: new Date().toISOString(),
      upstream: { type: "user_modify_org", eventId: "cold-start" },
    },
  };
  const all: Target[] = [
    {
      name: "users-by-mobile",
      entry: "functions/users-by-mobile.ts",
      event: apiEvent("POST", "/v1/connections/demo-eiam/users/by-mobile", {
        body: { mobile: "15204130007" },
      }),
    },
    {
      name: "users-by-email",
      entry: "functions/users-by-email.ts",
      event: apiEvent("POST", "/v1/connections/demo-wecom/users/by-email", {
        body: { email: "demo@mail.com" },
      }),
    },
    {
      name: "users-lookup",
      entry: "functions/users-lookup.ts",
      event: apiEvent("POST", "/v1/connections/demo-wecom/users/lookup", {
        body: { items: [{ mobile: "13900139000" }] },
      }),
    },
    {
      name: "user-by-id",
      entry: "functions/user-by-id.ts",
      event: apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan"),
    },
    {
      name: "department",
      entry: "functions/department.ts",
      event: apiEvent("GET", `/v1/connections/demo-feishu/departments/${FEISHU_RD}`),
    },
    {
      name: "department-children",
      entry: "functions/department-children.ts",
      event: apiEvent("GET", "/v1/connections/demo-wecom/departments/1/children?pageSize=100"),
    },
    {
      name: "department-users",
      entry: "functions/department-users.ts",
      event: apiEvent("GET", `/v1/connections/demo-feishu/departments/${BIG}/users?pageSize=50`),
    },
    { name: "meta", entry: "functions/meta.ts", event: apiEvent("GET", "/v1/health") },
    {
      name: "lookup-batch",
      entry: "functions/lookup-batch.ts",
      event: sqsEvent("dirgate-lookups", [
        JSON.stringify({
          id: "cold",
          connection: "demo-dingtalk",
          operation: "userById",
          input: { userId: "zhangsan" },
        }),
      ]),
    },
    { name: "callback", entry: "functions/callback.ts", event: feishuCallbackEvent(sbx) },
    {
      name: "changes",
      entry: "functions/changes.ts",
      event: sqsEvent("dirgate-changes.fifo", [JSON.stringify(change)], true),
    },
  ];
  const missing = functionNames().filter((n) => !all.some((t) => t.name === n));
  if (missing.length) throw new Error(`bench/cold.ts has no cold-start request for ${missing.join(", ")}`);
  return [
    ...all,
    {
      name: PEER,
      entry: "bench/peers/lark-department-users.ts",
      event: { pathParameters: { departmentId: BIG } },
      peer: true,
    },
  ];
}

/**
 * Cold start per function, as deployed: each `functions/*.ts` bundled with SST 4.17's own esbuild
 * options (`bench/sst-esbuild.ts`; the peer, a minimal handler on the official Feishu SDK, too),
 * its metafile written next to it; then, in a fresh Node 22 process (the nodejs22.x runtime's
 * major), the import time, the first answer (secret + token + call against the emulators) and the
 * same minus the raw upstream round trips, and peak RSS. The round trips are the requests the
 * handler made, as the emulators recorded them, replayed raw by the same process right after its
 * answer, each on a fresh connection. Median of `runs` cold starts.
 */
export async function coldStart(sbx: Sandbox, runs: number): Promise<Figure[]> {
  const bench = await openColdBench(sbx);
  const results = new Map<string, ColdResult>();
  const load: number[] = [];
  const all = targets(sbx);
  // Built all at once (esbuild runs them in parallel), then started one at a time.
  const bundles = await Promise.all(
    all.map((t) => buildLikeSst(t.name.replace(/[^a-z0-9]+/gi, "-"), t.entry)),
  );
  for (const [i, target] of all.entries()) {
    const bundle = bundles[i]!;
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i += 1) {
      samples.push(await bench.child(target, bundle.file));
      load.push(loadavg()[0]!);
    }
    results.set(target.name, summarize(bundle, samples));
  }
  writeTopModules(results);
  return [
    ...figures(results, bench.node),
    {
      // Timings on a busy machine are slower: this says how busy it was.
      name: "cold start stage: load average (1 min, median over the runs)",
      value: round(percentile(load, 50), 1),
      unit: "runnable tasks",
      note: `on ${cpus().length} cores: above that, timings include waiting for a CPU`,
    },
  ];
}

/** A source tree to build the functions from (`bench/.out/steps/{name}`, made by cold-run.ts --snapshot). */
export interface ColdVariant {
  name: string;
  /** esbuild `alias`: `@dirgate/core` → that tree's `packages/core/src/index.ts`, … */
  alias: Record<string, string>;
  /** Where `functions/` is (default: the repo's). */
  functionsDir?: string;
}

/**
 * Before/after: each function built from each variant's sources, the variants' runs interleaved
 * (run 1 of A, run 1 of B, run 2 of A, …) so that a change of machine load hits them alike.
 */
export async function coldCompare(
  sbx: Sandbox,
  runs: number,
  variants: ColdVariant[],
  only?: string[],
): Promise<Map<string, Map<string, ColdResult>>> {
  const bench = await openColdBench(sbx);
  const out = new Map<string, Map<string, ColdResult>>();
  for (const target of targets(sbx).filter((t) => !t.peer && (!only || only.includes(t.name)))) {
    const built = [];
    for (const variant of variants) {
      const entry = variant.functionsDir ? join(variant.functionsDir, `${target.name}.ts`) : target.entry;
      const bundle = await buildLikeSst(`${variant.name}/${target.name}`, entry, {}, variant.alias);
      built.push({ variant, bundle, samples: [] as Sample[] });
    }
    for (let i = 0; i < runs; i += 1) {
      for (const b of built) b.samples.push(await bench.child(target, b.bundle.file));
    }
    out.set(target.name, new Map(built.map((b) => [b.variant.name, summarize(b.bundle, b.samples)])));
  }
  return out;
}

function summarize(bundle: BuiltBundle, samples: Sample[]): ColdResult {
  const p50 = (pick: (s: Sample) => number) => percentile(samples.map(pick), 50);
  return {
    bundle,
    importMs: p50((s) => s.importMs),
    firstMs: p50((s) => s.firstAnswerMs),
    overMs: p50((s) => s.firstAnswerMs - s.roundTripsMs),
    rssMB: p50((s) => s.maxRssMB),
    importCpuMs: p50((s) => s.importCpuMs),
    overCpuMs: p50((s) => s.firstAnswerCpuMs - s.roundTripsCpuMs),
    roundTrips: p50((s) => s.roundTrips),
    undici: samples.some((s) => s.undici.atImport)
      ? "at import"
      : samples.some((s) => s.undici.atFirstAnswer)
        ? "on the first request"
        : undefined,
  };
}

/** The sandbox's environment for the functions, and the child process that runs one cold start. */
export async function openColdBench(sbx: Sandbox) {
  const node = await lambdaNode();
  const pipeline = await createChangePipeline(sbx);
  const env = {
    ...process.env,
    ...functionEnv(sbx, {
      DIRGATE_CHANGES_QUEUE_URL: pipeline.changesQueueUrl,
      DIRGATE_EVENT_BUS_NAME: pipeline.busName,
      DIRGATE_EVENTBRIDGE_ENDPOINT: sbx.eventBridge.emulator.baseUrl,
    }),
    LARK_APP_ID: DEMO_CREDENTIALS.feishu.appId,
    LARK_APP_SECRET: DEMO_CREDENTIALS.feishu.appSecret,
    LARK_DOMAIN: sbx.feishu.emulator.baseUrl,
    NODE_OPTIONS: "",
  };
  sbx.reset(); // no token issued, no fault, default knobs

  /** What an emulator received since `startRecording`, as requests to replay. */
  const recorded = (): RawRequest[] =>
    sbx.emulators.flatMap((e) =>
      e.stopRecording().map((r) => ({
        url: new URL(r.rawUrl, e.baseUrl).href,
        method: r.method,
        headers: Object.fromEntries(
          Object.entries(r.headers).flatMap(([k, v]) =>
            v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v]],
          ),
        ),
        ...(r.rawBody ? { body: r.rawBody } : {}),
      })),
    );

  /**
   * One cold start in a fresh process. The emulators record the requests the handler makes; once
   * it has answered, the child replays exactly those, raw, each on a fresh connection (the tokens
   * were just issued: the replayed calls do the emulators' full work).
   */
  const child = (target: Target, file: string): Promise<Sample> =>
    new Promise<Sample>((resolve, reject) => {
      for (const e of sbx.emulators) e.startRecording();
      const proc = spawn(node.path, [CHILD, file, JSON.stringify(target.event)], {
        env,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      let answered = false;
      proc.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      proc.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (!answered && out.includes('{"phase":"answered"}\n')) {
          answered = true;
          proc.stdin.end(`${JSON.stringify(recorded())}\n`);
        }
      });
      proc.on("error", reject);
      proc.on("close", (code) => {
        if (!answered) for (const e of sbx.emulators) e.stopRecording();
        const last = out.trim().split("\n").pop() ?? "";
        if (code !== 0 || !last.startsWith("{")) {
          reject(new Error(`${target.name}: cold start failed (exit ${code}): ${err.slice(-400)}`));
          return;
        }
        const sample = JSON.parse(last) as Sample;
        if (sample.status !== 200) {
          reject(new Error(`${target.name} answered ${sample.status} on a cold start`));
          return;
        }
        resolve(sample);
      });
    });
  return { node, env, child };
}

/** `bench/.out/sst/top-modules.md`: each bundle's ten largest inputs and its packages, from the metafile. */
function writeTopModules(results: Map<string, ColdResult>) {
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const lines = [
    `# Bundles as SST ${SST_VERSION} builds them (esbuild ${esbuildVersion}; SST's own: ${SST_ESBUILD_VERSION})`,
  ];
  for (const [name, r] of results) {
    lines.push(
      "",
      `## ${name}: ${kb(r.bundle.rawBytes)} KB raw, ${kb(r.bundle.gzipBytes)} KB gzip`,
      "",
      `packages: ${r.bundle.packages.map((p) => `${p.path} ${kb(p.bytes)}`).join(", ")}`,
      "",
      ...r.bundle.modules.slice(0, 10).map((m) => `- ${kb(m.bytes)} KB ${m.path}`),
    );
  }
  writeFileSync(join(BUNDLE_OUT, "top-modules.md"), `${lines.join("\n")}\n`);
}

function figures(results: Map<string, ColdResult>, node: NodeBinary): Figure[] {
  const where = `Node ${node.note ? node.version : LAMBDA_NODE_MAJOR}, SST bundle`;
  const note = node.note ? { note: node.note } : {};
  const peer = results.get(PEER)!;
  const out: Figure[] = [];
  for (const [name, r] of results) {
    if (name === PEER) continue;
    const withPeer = name === "department-users";
    const p = (value: number) =>
      withPeer ? { peer: { name: "@larksuiteoapi/node-sdk handler", value: round(value, 1) } } : {};
    const rawKB = r.bundle.rawBytes / 1024;
    out.push(
      {
        name: `bundle size raw (SST bundle, minified): ${name}`,
        value: round(rawKB, 1),
        unit: "KB",
        ...(LOOKUPS.has(name) ? { target: `≤ ${TARGET.bundleKB}`, meets: rawKB <= TARGET.bundleKB } : {}),
        ...p(peer.bundle.rawBytes / 1024),
        note: `SST ${SST_VERSION}'s esbuild options, esbuild ${esbuildVersion}${esbuildVersion === SST_ESBUILD_VERSION ? "" : ` (SST's own: ${SST_ESBUILD_VERSION})`}`,
      },
      {
        name: `bundle size gzip (SST bundle): ${name}`,
        value: round(r.bundle.gzipBytes / 1024, 1),
        unit: "KB",
        ...p(peer.bundle.gzipBytes / 1024),
      },
      {
        name: `cold import (${where}): ${name}`,
        value: round(r.importMs, 1),
        unit: "ms",
        target: `≤ ${TARGET.importMs}`,
        meets: r.importMs <= TARGET.importMs && (!withPeer || r.importMs < peer.importMs),
        ...p(peer.importMs),
        ...note,
      },
      {
        name: `cold first answer (${where}): ${name}`,
        value: round(r.firstMs, 1),
        unit: "ms",
        ...p(peer.firstMs),
        note: `${r.roundTrips} upstream round trips${r.undici ? `; undici (fetch) loaded ${r.undici}` : ""}${node.note ? `; ${node.note}` : ""}`,
      },
      {
        name: `cold first answer beyond upstream round trips (${where}): ${name}`,
        value: round(r.overMs, 1),
        unit: "ms",
        target: `≤ ${TARGET.overMs}`,
        meets: r.overMs <= TARGET.overMs,
        ...p(peer.overMs),
        ...note,
      },
      {
        name: `cold peak RSS (${where}): ${name}`,
        value: round(r.rssMB, 1),
        unit: "MB",
        target: `≤ ${TARGET.rssMB}`,
        meets: r.rssMB <= TARGET.rssMB && (!withPeer || r.rssMB < peer.rssMB),
        ...p(peer.rssMB),
        ...note,
      },
    );
  }
  const top = results.get(TOP_MODULES_OF)!.bundle;
  top.modules.slice(0, 10).forEach((m, i) => {
    out.push({
      name: `bundle top module #${i + 1} (SST bundle, metafile): ${TOP_MODULES_OF} — ${m.path.replace(/^node_modules\//, "")}`,
      value: round(m.bytes / 1024, 1),
      unit: "KB",
      note: `${round((100 * m.bytes) / top.rawBytes, 1)} % of the bundle`,
    });
  });
  return out;
}
