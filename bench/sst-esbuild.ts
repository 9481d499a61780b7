import type { BuildOptions } from "esbuild";

/**
 * The esbuild options SST 4.17.1 uses to bundle a Node.js function for `sst deploy` (not `sst dev`),
 * transcribed from its Go source so `npm run bench` measures the bundle SST ships.
 *
 * Source: github.com/anomalyco/sst (formerly sst/sst) tag v4.17.0 — the 4.17.1 binary carries the
 * same banner and esbuild module — `pkg/runtime/node/build.go`:
 * - L21-23   `forceExternal = ["sharp", "pg-native"]`
 * - L25-33   `targetMap`: nodejs24.x → ES2024, nodejs22.x → ES2023, nodejs20.x → ES2023, nodejs18.x → ES2022
 * - L48-54   ESM unless `nodejs.format == "cjs"`: the outfile is `bundle.mjs`
 * - L114-115 `external = forceExternal + nodejs.install + nodejs.esbuild.external`
 * - L126-155 `esbuild.BuildOptions{ Platform: node, Bundle: true, KeepNames: true, Splitting:
 *            nodejs.splitting, Metafile: true, Sourcemap: linked, Write: true, Format: esm,
 *            Target: targetMap[runtime], MainFields: ["module","main"], Conditions: nil (esbuild's
 *            defaults), Banner.js: the createRequire/__filename/__dirname lines + "\n" + nodejs.banner }`
 * - L172-177 minify (whitespace + syntax + identifiers) only when `nodejs.minify` is true: the Go
 *            field is a plain bool, so unset means NOT minified; `sst.config.ts` sets `minify: true`.
 * - L178-180 `sourcemap: false` still builds a linked map. With it unset the `.map` is left out of
 *            the zip (`platform/src/components/aws/function.ts`), but `bundle.mjs` keeps its
 *            `//# sourceMappingURL=bundle.mjs.map` line; Node reads it only with --enable-source-maps.
 * - `pkg/runtime/node/node.go` L140-187: the `Resolve*` helpers (an `esbuild.*` setting overrides).
 * SST's Go esbuild is v0.27.2 (`go.mod` of v4.17.0); the npm one here may differ by a minor
 * version (the bench prints both): syntax lowering and minification are the same for our code.
 */
export const SST_VERSION = "4.17.1";
export const SST_ESBUILD_VERSION = "0.27.2";

/** Lambda runtime → esbuild target (build.go L25-33). */
export const SST_TARGETS = {
  "nodejs24.x": "es2024",
  "nodejs22.x": "es2023",
  "nodejs20.x": "es2023",
  "nodejs18.x": "es2022",
} as const;

/** build.go L143-151 (ESM). The user's `nodejs.banner` (empty for dirgate) follows the last "\n". */
export const SST_ESM_BANNER = [
  "import { createRequire as topLevelCreateRequire } from 'module';",
  "const require = topLevelCreateRequire(import.meta.url);",
  'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
  "const __filename = topLevelFileUrlToPath(import.meta.url)",
  'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
  "",
].join("\n");

/** A `runtime: "nodejs22.x"`, `nodejs: { format: "esm", minify: true }` function (sst.config.ts). */
export const SST_NODE_ESBUILD_OPTIONS = Object.freeze({
  platform: "node",
  bundle: true,
  format: "esm",
  target: SST_TARGETS["nodejs22.x"],
  mainFields: ["module", "main"],
  // conditions: not set → esbuild's defaults for platform node + esm ("module", "import", "node", …)
  keepNames: true,
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  sourcemap: "linked",
  splitting: false,
  external: ["sharp", "pg-native"],
  banner: { js: SST_ESM_BANNER },
  metafile: true,
  write: true,
} satisfies BuildOptions);

export interface SstBuildChoices {
  runtime?: keyof typeof SST_TARGETS;
  minify?: boolean;
  /** `nodejs.install`: packages left external (and installed into the zip). */
  install?: string[];
}

/**
 * `esbuild.build()` options for one function, as SST builds `functions/{name}.ts`. The deployed
 * artifact is `bundle.mjs` (the `.map` stays out of the zip).
 */
export function sstBuildOptions(entry: string, outfile: string, choices: SstBuildChoices = {}): BuildOptions {
  const { runtime = "nodejs22.x", minify = true, install = [] } = choices;
  return {
    ...SST_NODE_ESBUILD_OPTIONS,
    mainFields: [...SST_NODE_ESBUILD_OPTIONS.mainFields],
    banner: { ...SST_NODE_ESBUILD_OPTIONS.banner },
    entryPoints: [entry],
    outfile,
    target: SST_TARGETS[runtime],
    minifyWhitespace: minify,
    minifySyntax: minify,
    minifyIdentifiers: minify,
    external: [...SST_NODE_ESBUILD_OPTIONS.external, ...install],
    logLevel: "silent",
  };
}
