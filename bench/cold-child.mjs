// A fresh Node process: import a bundled handler, answer one request, report timings and peak RSS.
// argv: bundle path, JSON event; the environment carries the function's settings.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** Peak RSS of this process image. (ru_maxrss survives fork+exec on Linux: it would report the parent's.) */
function peakRssMB() {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}

const [bundle, eventJson, rawUrls] = process.argv.slice(2);
const t0 = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
const context = { awsRequestId: "cold", functionName: "cold", getRemainingTimeInMillis: () => 10_000 };
const result = await handler(JSON.parse(eventJson), context);
const t2 = performance.now();
// The same upstream round trips made raw (secret, token, call), on fresh connections too, to subtract.
let roundTrips = 0;
for (const raw of JSON.parse(rawUrls)) {
  const started = performance.now();
  await (await fetch(raw.url, raw.init)).text();
  roundTrips += performance.now() - started;
}
process.stdout.write(
  `${JSON.stringify({
    importMs: t1 - t0,
    firstAnswerMs: t2 - t1,
    roundTripsMs: roundTrips,
    status: result?.statusCode,
    maxRssMB: peakRssMB(),
  })}\n`,
);
// @middy/secrets-manager keeps a cache-refresh timer alive (harmless in Lambda, which freezes).
process.exit(0);
