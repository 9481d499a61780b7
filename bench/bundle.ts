import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, version as esbuildVersion, type Metafile } from "esbuild";
import { type SstBuildChoices, sstBuildOptions } from "./sst-esbuild.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const BUNDLE_OUT = join(ROOT, "bench/.out/sst");
export { esbuildVersion };

/** Every Lambda SST builds: one per file in `functions/`. */
export function functionNames(): string[] {
  return readdirSync(join(ROOT, "functions"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

export interface ModuleShare {
  /** The input path, relative to the repo (`node_modules/zod/v4/core/schemas.js`). */
  path: string;
  bytes: number;
}

export interface BuiltBundle {
  name: string;
  /** `bench/.out/sst/{name}/bundle.mjs`: what goes into the zip. */
  file: string;
  metafile: string;
  rawBytes: number;
  gzipBytes: number;
  /** Every input by its bytes in the output, largest first. */
  modules: ModuleShare[];
  /** The same summed by package (`zod`, `@aws-lambda-powertools/logger`, `@dirgate/core`, …). */
  packages: ModuleShare[];
}

/** The package an input belongs to: the node_modules package, or `@dirgate/x` for packages/x, or `functions`. */
export function packageOf(path: string): string {
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = path.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const pkg = /^packages\/([^/]+)\//.exec(path);
  if (pkg) return `@dirgate/${pkg[1]}`;
  return path.split("/")[0]!;
}

/**
 * Builds `entry` (relative to the repo) with SST's options into `bench/.out/sst/{name}/bundle.mjs`,
 * writes the metafile next to it, and reads the sizes from the output.
 */
export async function buildLikeSst(
  name: string,
  entry = `functions/${name}.ts`,
  choices: SstBuildChoices = {},
  /** Experiments only (cold-run.ts --compare): build from another source tree. */
  alias?: Record<string, string>,
): Promise<BuiltBundle> {
  const dir = join(BUNDLE_OUT, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "bundle.mjs");
  const result = await build({
    ...sstBuildOptions(isAbsolute(entry) ? entry : join(ROOT, entry), file, choices),
    absWorkingDir: ROOT,
    ...(alias ? { alias } : {}),
  });
  const metafile = join(dir, "meta.json");
  writeFileSync(metafile, JSON.stringify(result.metafile));
  const bytes = readFileSync(file);
  return {
    name,
    file,
    metafile,
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    ...shares(result.metafile!, file),
  };
}

function shares(meta: Metafile, file: string): Pick<BuiltBundle, "modules" | "packages"> {
  const output = Object.entries(meta.outputs).find(([path]) => join(ROOT, path) === file)?.[1];
  if (!output) throw new Error(`no output ${relative(ROOT, file)} in the metafile`);
  const modules = Object.entries(output.inputs)
    .map(([path, input]) => ({ path, bytes: input.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  const byPackage = new Map<string, number>();
  for (const m of modules)
    byPackage.set(packageOf(m.path), (byPackage.get(packageOf(m.path)) ?? 0) + m.bytes);
  const packages = [...byPackage].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { modules, packages };
}

/** `npx tsx bench/bundle.ts [name…]`: build like SST and print sizes and the top modules. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : functionNames();
  console.log(`esbuild ${esbuildVersion} (SST's Go esbuild: 0.27.2)`);
  for (const name of names) {
    const b = await buildLikeSst(name);
    console.log(
      `\n${name}: ${(b.rawBytes / 1024).toFixed(1)} KB raw, ${(b.gzipBytes / 1024).toFixed(1)} KB gzip  (${relative(ROOT, dirname(b.file))})`,
    );
    console.log(
      `  packages: ${b.packages
        .slice(0, 12)
        .map((p) => `${p.path} ${(p.bytes / 1024).toFixed(1)}`)
        .join(", ")}`,
    );
    for (const m of b.modules.slice(0, 10))
      console.log(`  ${(m.bytes / 1024).toFixed(1).padStart(7)} KB  ${m.path}`);
  }
}
