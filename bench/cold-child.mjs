// A fresh Node process, as a cold Lambda container: import a bundle as SST builds it, answer one
// request, then time the same upstream round trips made raw; report timings and peak RSS.
// argv: bundle path, JSON event; the environment carries the function's settings.
// Protocol: after the answer it prints `{"phase":"answered"}` and reads one stdin line, the JSON
// list of the requests the handler made as the emulators received them ({ url, method, headers,
// body }); it replays them, then prints the sample (the last stdout line) and exits.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// Not `import … from "node:http"`: Node 22 builds an ESM namespace of a builtin by reading every
// export, and http's WebSocket/MessageEvent getters load undici — which this process watches for.
const { Agent, request } = process.getBuiltinModule("node:http");

/** Peak RSS of this process image. (ru_maxrss survives fork+exec on Linux: it would report the parent's.) */
function peakRssMB() {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}

/** Whether Node has loaded its fetch implementation (undici), which it does lazily, on first use. */
const undiciLoaded = () => process.moduleLoadList.some((m) => m.includes("deps/undici"));

const HOP_BY_HOP = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding"]);

/** One raw HTTP round trip on a fresh connection (no keep-alive): what any client must at least pay. */
function roundTrip(raw, agent) {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(
      Object.entries(raw.headers ?? {}).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
    );
    const body = raw.body ? Buffer.from(raw.body) : undefined;
    if (body) headers["content-length"] = String(body.length);
    const req = request(raw.url, { method: raw.method ?? "GET", headers, agent }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve(res.statusCode));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** One line from stdin. */
function readLine() {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end >= 0) {
        process.stdin.pause();
        resolve(text.slice(0, end));
      }
    });
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

const [bundle, eventJson] = process.argv.slice(2);
const undiciBefore = undiciLoaded();
const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const c0 = process.cpuUsage();
const t0 = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
const importCpuMs = cpuMs(c0);
const undiciAtImport = undiciLoaded();
const context = {
  awsRequestId: "cold",
  functionName: "cold",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:cold",
  memoryLimitInMB: "1024",
  logGroupName: "/aws/lambda/cold",
  logStreamName: "cold",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
};
const c1 = process.cpuUsage();
const result = await handler(JSON.parse(eventJson), context);
const t2 = performance.now();
const firstAnswerCpuMs = cpuMs(c1);
const undiciAtFirstAnswer = undiciLoaded();
const maxRssMB = peakRssMB();
process.stdout.write(`${JSON.stringify({ phase: "answered" })}\n`);
const rawJson = await readLine();

// The same upstream round trips made raw, one after another, each on a fresh connection (as the
// cold handler's were). A first throwaway request loads node:http's client paths, so that one-off
// cost is counted in the handler's share, not in the round trips subtracted from it.
const raws = JSON.parse(rawJson);
const agent = new Agent({ keepAlive: false });
let roundTripsMs = 0;
let roundTripsCpuMs = 0;
if (raws.length > 0) {
  await roundTrip(raws[0], agent);
  for (const raw of raws) {
    const c = process.cpuUsage();
    const started = performance.now();
    await roundTrip(raw, agent);
    roundTripsMs += performance.now() - started;
    roundTripsCpuMs += cpuMs(c);
  }
}
const failures = result?.batchItemFailures;
process.stdout.write(
  `${JSON.stringify({
    node: process.version,
    importMs: t1 - t0,
    firstAnswerMs: t2 - t1,
    roundTripsMs,
    roundTrips: raws.length,
    // CPU time of this process (all its threads): less sensitive than wall time to a busy machine.
    importCpuMs,
    firstAnswerCpuMs,
    roundTripsCpuMs,
    status: result?.statusCode ?? (Array.isArray(failures) ? (failures.length === 0 ? 200 : 500) : undefined),
    maxRssMB,
    undici: { before: undiciBefore, atImport: undiciAtImport, atFirstAnswer: undiciAtFirstAnswer },
  })}\n`,
);
// A function may keep a timer or a keep-alive socket (harmless in Lambda, which freezes).
process.exit(0);
