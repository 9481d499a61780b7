import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startSandbox } from "@dirgate/sandbox";
import { type ColdVariant, coldCompare, coldStart } from "./cold.ts";

/**
 * The cold-start stage of `npm run bench` alone (SST bundles, Node 22), and its before/after tool:
 *
 *   npx tsx bench/cold-run.ts [--runs 5] [--json FILE]          the stage's figures
 *   npx tsx bench/cold-run.ts --snapshot NAME [--head FILE …]   copy packages/{core,providers,lambda},
 *       functions/ and docs/ to bench/.out/steps/NAME; each --head FILE (repo path) as in git HEAD
 *       (deleted if HEAD has none): the tree before a cut, next to the tree after it
 *   npx tsx bench/cold-run.ts --compare A,B[,…] [--only f1,f2] [--runs 9]
 *       every function built from each snapshot ("." = the working tree), runs interleaved
 */
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const STEPS = join(ROOT, "bench/.out/steps");
const PACKAGES = ["core", "providers", "lambda"];

const { values } = parseArgs({
  options: {
    runs: { type: "string" },
    json: { type: "string" },
    snapshot: { type: "string" },
    head: { type: "string", multiple: true },
    compare: { type: "string" },
    only: { type: "string" },
  },
});

if (values.snapshot) {
  const dir = join(STEPS, values.snapshot);
  rmSync(dir, { recursive: true, force: true });
  for (const p of PACKAGES) {
    cpSync(join(ROOT, "packages", p, "src"), join(dir, "packages", p, "src"), { recursive: true });
    cpSync(join(ROOT, "packages", p, "package.json"), join(dir, "packages", p, "package.json"));
  }
  cpSync(join(ROOT, "functions"), join(dir, "functions"), { recursive: true });
  cpSync(join(ROOT, "docs"), join(dir, "docs"), { recursive: true }); // meta imports docs/openapi.json
  for (const file of values.head ?? []) {
    const target = join(dir, file);
    try {
      const text = execFileSync("git", ["show", `HEAD:${file}`], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "ignore"],
      });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    } catch {
      rmSync(target, { force: true });
    }
  }
  console.log(`snapshot ${dir}`);
  process.exit(0);
}

const variant = (name: string): ColdVariant => {
  if (name === ".") {
    return { name: "working-tree", alias: {} };
  }
  const dir = join(STEPS, name);
  if (!existsSync(dir)) throw new Error(`no snapshot ${dir}: make it with --snapshot ${name}`);
  // alias.json (optional): more esbuild aliases, e.g. a package replaced by a prototype.
  const extra = existsSync(join(dir, "alias.json"))
    ? (JSON.parse(readFileSync(join(dir, "alias.json"), "utf8")) as Record<string, string>)
    : {};
  return {
    name,
    alias: {
      ...Object.fromEntries(PACKAGES.map((p) => [`@dirgate/${p}`, join(dir, "packages", p, "src/index.ts")])),
      ...extra,
    },
    functionsDir: join(dir, "functions"),
  };
};

const sbx = await startSandbox({ secretPrefix: "dirgate/local" });
try {
  const load = loadavg()[0]!;
  if (values.compare) {
    const variants = values.compare.split(",").map(variant);
    const results = await coldCompare(sbx, Number(values.runs ?? 9), variants, values.only?.split(","));
    console.log(
      `load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}; p50 of ${values.runs ?? 9} interleaved runs`,
    );
    console.log(
      "| function | variant | raw KB | gzip KB | import ms | first answer ms | beyond round trips ms | peak RSS MB | import CPU ms | beyond round trips CPU ms | undici |\n|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const [name, byVariant] of results) {
      for (const [v, r] of byVariant) {
        console.log(
          `| ${name} | ${v} | ${(r.bundle.rawBytes / 1024).toFixed(1)} | ${(r.bundle.gzipBytes / 1024).toFixed(1)} | ${r.importMs.toFixed(1)} | ${r.firstMs.toFixed(1)} | ${r.overMs.toFixed(1)} | ${r.rssMB.toFixed(1)} | ${r.importCpuMs.toFixed(1)} | ${r.overCpuMs.toFixed(1)} | ${r.undici ?? "no"} |`,
        );
      }
    }
  } else {
    const figures = await coldStart(sbx, Number(values.runs ?? 5));
    if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
    console.log("| figure | dirgate | peer | target | met |\n|---|---|---|---|---|");
    for (const f of figures) {
      const peer = f.peer ? `${f.peer.value} ${f.unit} (${f.peer.name})` : (f.note ?? "");
      const met = f.meets === undefined ? "" : f.meets ? "yes" : "**no**";
      console.log(`| ${f.name} | ${f.value} ${f.unit} | ${peer} | ${f.target ?? ""} | ${met} |`);
    }
  }
} finally {
  await sbx.stop();
}
process.exit(0);
