#!/usr/bin/env node
// Extracts SST's platform types (the `.sst/platform` tree that `sst install` writes) from the
// pinned `sst` CLI binary, without running the CLI (which would download Pulumi and bun).
//
// How: the Go binary embeds `platform/{src,dist,functions}/*, package.json, tsconfig.json` with
// `//go:embed` (github.com/anomalyco/sst platform/platform.go). The Go compiler lays an embed.FS
// out as one read-only symbol: a slice header {ptr, len, cap} followed by `len` records
// {name string, data string, hash [16]byte} (cmd/compile/internal/staticdata/embed.go), sorted,
// with directory entries (name ending in "/", no data). We find that table through the address
// of the name string "src/config.ts", read the records, check every file against the content
// hash the compiler stored (SHA-256 based), and write the files `tsc` needs: src/**/*.ts, each
// implementation file prefixed with `// @ts-nocheck` (tsc uses SST's types but does not judge
// SST's code under our flags), package.json and tsconfig.json. Then we write
// `config.d.ts` exactly as the CLI's `writeTypes()` does (pkg/project/install.go) for the one
// provider this app uses (`aws`, the home provider), and an empty `.sst/types.generated.ts`
// (the CLI writes the `Resource` link types there; the config does not need them).
//
// The TypeScript in `.sst/platform/src` imports npm packages (@pulumi/pulumi, @pulumi/aws, …)
// that `sst install` installs with bun from the embedded package.json. Those come from npm: see
// `--print-deps` and tsconfig.sst.json.
//
// Usage: node scripts/extract-platform-types.mjs [--binary PATH] [--out DIR] [--print-deps] [--no-verify-deps]
// Dependency-free (node:fs, node:path, node:crypto). 64-bit ELF, Mach-O and PE binaries.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const root = process.cwd();
const outDir = resolve(root, option("--out") ?? ".sst");
const platformDir = join(outDir, "platform");
const started = performance.now();

// ---------------------------------------------------------------------------------------------
// 1. The binary of the installed `sst` package (bin/sst.mjs picks `sst-${os}-${arch}` the same way).
// ---------------------------------------------------------------------------------------------
// Resolved by walking node_modules (sst's "exports" hide its package.json from require.resolve).
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (run npm ci)`);
  }
}
const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const sstDir = packageDir("sst", root);
const sstPackage = readJson(join(sstDir, "package.json"));
function findBinary() {
  const explicit = option("--binary");
  if (explicit) return resolve(root, explicit);
  const os = process.platform;
  const arch = { x64: "x64", arm64: "arm64", ia32: "x86" }[process.arch] ?? process.arch;
  const pkg = `sst-${os}-${arch}`;
  const dir = packageDir(pkg, sstDir); // next to sst, or nested in sst/node_modules
  const version = readJson(join(dir, "package.json")).version;
  if (version !== sstPackage.version) {
    throw new Error(`${pkg}@${version} does not match sst@${sstPackage.version}`);
  }
  return join(dir, "bin", os === "win32" ? "sst.exe" : "sst");
}
const binaryPath = findBinary();
const bin = readFileSync(binaryPath);

// ---------------------------------------------------------------------------------------------
// 2. Virtual address <-> file offset, from the ELF program headers or Mach-O segments.
// ---------------------------------------------------------------------------------------------
/** @type {{ vaddr: bigint, offset: bigint, size: bigint }[]} */
const segments = [];
if (bin.readUInt32BE(0) === 0x7f454c46) {
  if (bin[4] !== 2 || bin[5] !== 1) throw new Error("only little-endian ELF64 is supported");
  const phoff = bin.readBigUInt64LE(0x20);
  const phentsize = bin.readUInt16LE(0x36);
  const phnum = bin.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const p = Number(phoff) + i * phentsize;
    if (bin.readUInt32LE(p) !== 1) continue; // PT_LOAD
    segments.push({
      offset: bin.readBigUInt64LE(p + 8),
      vaddr: bin.readBigUInt64LE(p + 16),
      size: bin.readBigUInt64LE(p + 32), // p_filesz
    });
  }
} else if (bin.readUInt32LE(0) === 0xfeedfacf) {
  const ncmds = bin.readUInt32LE(16);
  let p = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = bin.readUInt32LE(p);
    const size = bin.readUInt32LE(p + 4);
    if (cmd === 0x19) {
      // LC_SEGMENT_64
      segments.push({
        vaddr: bin.readBigUInt64LE(p + 24),
        offset: bin.readBigUInt64LE(p + 40),
        size: bin.readBigUInt64LE(p + 48), // filesize
      });
    }
    p += size;
  }
} else if (bin.readUInt16LE(0) === 0x5a4d) {
  // PE32+ (Windows x64/arm64): absolute addresses are ImageBase + section RVA.
  const pe = bin.readUInt32LE(0x3c);
  if (bin.readUInt32LE(pe) !== 0x4550) throw new Error(`${binaryPath}: bad PE signature`);
  const sections = bin.readUInt16LE(pe + 6);
  const optionalSize = bin.readUInt16LE(pe + 20);
  const optional = pe + 24;
  if (bin.readUInt16LE(optional) !== 0x20b)
    throw new Error("only 64-bit (PE32+) Windows binaries are supported");
  const imageBase = bin.readBigUInt64LE(optional + 24);
  for (let i = 0; i < sections; i++) {
    const h = optional + optionalSize + i * 40;
    segments.push({
      vaddr: imageBase + BigInt(bin.readUInt32LE(h + 12)),
      size: BigInt(Math.min(bin.readUInt32LE(h + 8), bin.readUInt32LE(h + 16))),
      offset: BigInt(bin.readUInt32LE(h + 20)),
    });
  }
} else {
  throw new Error(`${binaryPath}: not an ELF64, Mach-O 64 or PE32+ binary`);
}
const toOffset = (vaddr) => {
  for (const s of segments) {
    if (vaddr >= s.vaddr && vaddr < s.vaddr + s.size) return Number(vaddr - s.vaddr + s.offset);
  }
  return -1;
};
const toVaddr = (offset) => {
  const o = BigInt(offset);
  for (const s of segments) {
    if (o >= s.offset && o < s.offset + s.size && s.vaddr !== 0n) return o - s.offset + s.vaddr;
  }
  return -1n;
};
const readString = (at) => {
  const ptr = bin.readBigUInt64LE(at);
  const len = bin.readBigUInt64LE(at + 8);
  if (len === 0n) return Buffer.alloc(0);
  if (len > 64n * 1024n * 1024n) return null;
  const off = toOffset(ptr);
  if (off < 0 || off + Number(len) > bin.length) return null;
  return bin.subarray(off, off + Number(len));
};

// ---------------------------------------------------------------------------------------------
// 3. Find the embed.FS table that holds "src/config.ts" and read its records.
// ---------------------------------------------------------------------------------------------
const RECORD = 48; // name(16) + data(16) + hash(16) on 64-bit targets
const isPath = (b) =>
  b !== null && b.length > 0 && b.length < 512 && /^[\x21-\x7e]+$/.test(b.toString("latin1"));

function findTable() {
  const anchor = Buffer.from("src/config.ts");
  for (let at = bin.indexOf(anchor); at !== -1; at = bin.indexOf(anchor, at + 1)) {
    const vaddr = toVaddr(at);
    if (vaddr < 0n) continue;
    const needle = Buffer.alloc(16);
    needle.writeBigUInt64LE(vaddr, 0);
    needle.writeBigUInt64LE(BigInt(anchor.length), 8);
    for (let rec = bin.indexOf(needle); rec !== -1; rec = bin.indexOf(needle, rec + 1)) {
      if (rec % 8 !== 0) continue;
      // Walk back record by record to the slice header {ptr = address of first record, len, cap}.
      for (let p = rec; p >= 24 && rec - p < RECORD * 100_000; p -= RECORD) {
        const header = p - 24;
        const ptr = bin.readBigUInt64LE(header);
        const len = bin.readBigUInt64LE(header + 8);
        const cap = bin.readBigUInt64LE(header + 16);
        if (ptr === toVaddr(p) && len === cap && len > 0n && p + Number(len) * RECORD <= bin.length) {
          return { first: p, count: Number(len) };
        }
        if (!isPath(readString(p))) break;
      }
    }
  }
  throw new Error(`no embedded platform tree found in ${binaryPath}`);
}

// The compiler stores a 16-byte content hash per file (cmd/compile/internal/staticdata/data.go
// fileStringSym). Go <= 1.23: sha256(data). Go >= 1.24 (cmd/internal/hash): files <= 1 KiB get
// Sum32 = sha256(data) with byte 0 xor 0xff (xor 1 in 1.24/1.25), larger files are streamed
// through New32 = sha256(0x01 || data). Any match proves we read the right bytes.
function embedHashMatches(data, stored) {
  const plain = createHash("sha256").update(data).digest();
  if (plain.subarray(0, 16).equals(stored)) return true;
  for (const flip of [0xff, 0x01]) {
    const flipped = Buffer.from(plain.subarray(0, 16));
    flipped[0] ^= flip;
    if (flipped.equals(stored)) return true;
  }
  const prefixed = createHash("sha256")
    .update(Buffer.from([1]))
    .update(data)
    .digest();
  return prefixed.subarray(0, 16).equals(stored);
}

const table = findTable();
/** @type {Map<string, Buffer>} */
const files = new Map();
for (let i = 0; i < table.count; i++) {
  const at = table.first + i * RECORD;
  const name = readString(at);
  if (!isPath(name)) throw new Error(`record ${i}: unreadable name`);
  const path = name.toString("latin1");
  if (path.endsWith("/")) continue; // directory entry
  const data = readString(at + 16);
  if (data === null) throw new Error(`${path}: data outside the binary`);
  if (!embedHashMatches(data, bin.subarray(at + 32, at + 48))) {
    throw new Error(`${path}: content does not match the hash the Go compiler stored`);
  }
  files.set(path, data);
}

const embeddedPackage = JSON.parse(files.get("package.json").toString("utf8"));
if (args.includes("--print-deps")) {
  console.log(
    JSON.stringify({ sst: sstPackage.version, dependencies: embeddedPackage.dependencies }, null, 2),
  );
  process.exit(0);
}

// The npm packages whose types the config reaches (the `aws` global and every component's
// argument types): they must be the versions this SST pins, installed where tsc finds them from
// .sst/platform (the repo's node_modules: exact devDependencies, locked by package-lock.json).
// The other provider packages SST imports (cloudflare, random, tls, …) are not needed: without
// them those imports are `any` inside SST's own (unchecked) sources, never in our config.
const TYPE_PACKAGES = ["@pulumi/pulumi", "@pulumi/aws"];
const mismatches = [];
for (const name of TYPE_PACKAGES) {
  const pinned = embeddedPackage.dependencies[name];
  let installed;
  try {
    installed = readJson(join(packageDir(name, root), "package.json")).version;
  } catch {
    installed = undefined;
  }
  if (installed !== pinned) mismatches.push({ name, pinned, installed });
}
if (mismatches.length > 0 && !args.includes("--no-verify-deps")) {
  for (const m of mismatches) {
    console.error(
      `sst ${sstPackage.version} pins ${m.name}@${m.pinned}; installed: ${m.installed ?? "none"}`,
    );
  }
  console.error(`fix: npm install -D -E ${mismatches.map((m) => `${m.name}@${m.pinned}`).join(" ")}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// 4. Write the type sources: src/**/*.ts (not the runtime/template/function bundles), the
//    platform's package.json and tsconfig.json, config.d.ts as writeTypes() writes it.
// ---------------------------------------------------------------------------------------------
const NOCHECK = Buffer.from("// @ts-nocheck (added by scripts/extract-platform-types.mjs)\n");
// Replace src/ (no stale files from another version); leave anything else, e.g. the
// node_modules a real `sst install` put here, untouched.
rmSync(join(platformDir, "src"), { recursive: true, force: true });
let written = 0;
let bytes = 0;
for (const [path, data] of files) {
  const wanted =
    path === "package.json" ||
    path === "tsconfig.json" ||
    (path.startsWith("src/") && /\.(d\.)?ts$/.test(path) && !path.startsWith("src/runtime/"));
  if (!wanted) continue;
  const target = join(platformDir, path);
  mkdirSync(dirname(target), { recursive: true });
  // SST's own implementation files are type *sources* for us, not code we answer for: tsc uses
  // their types but reports nothing inside them (our stricter flags, modules we do not install).
  const isSource = path.endsWith(".ts") && !path.endsWith(".d.ts");
  writeFileSync(target, isSource ? Buffer.concat([NOCHECK, data]) : data);
  written++;
  bytes += data.length;
}

// pkg/project/install.go writeTypes(), for a provider lock of one entry: the home provider `aws`
// (package @pulumi/aws, alias `aws`, the version the platform's package.json pins).
const providers = [{ name: "aws", package: "@pulumi/aws", alias: "aws" }];
let configDts = `import "./src/global.d.ts"\nimport "../types.generated"\nimport { AppInput, App, Config } from "./src/config"\n`;
for (const p of providers) configDts += `import * as _${p.alias} from "${p.package}";\n`;
configDts += "\n\ndeclare global {\n";
for (const p of providers) configDts += `  // @ts-expect-error\n  export import ${p.alias} = _${p.alias}\n`;
configDts += "  interface Providers {\n    providers?: {\n";
for (const p of providers) {
  const versionField = p.name === "aws" || p.name === "cloudflare" ? "version?: string" : "version: string";
  configDts += `      "${p.name}"?:  (_${p.alias}.ProviderArgs & { package?: string, ${versionField} }) | string;\n`;
}
configDts +=
  "    }\n  }\n  export const $config: (\n" +
  '    input: Omit<Config, "app"> & {\n' +
  '      app(input: AppInput): Promise<Omit<App, "providers"> & Providers> | (Omit<App, "providers"> & Providers);\n' +
  "    },\n  ) => Config;\n}\n";
writeFileSync(join(platformDir, "config.d.ts"), configDts);
if (!existsSync(join(outDir, "types.generated.ts"))) {
  writeFileSync(join(outDir, "types.generated.ts"), "export {};\n");
}
writeFileSync(
  join(platformDir, "EXTRACTED.json"),
  `${JSON.stringify(
    {
      sst: sstPackage.version,
      binary: relative(root, binaryPath),
      binarySha256: createHash("sha256").update(bin).digest("hex"),
      embeddedFiles: files.size,
      written,
      providers: providers.map((p) => ({ ...p, version: embeddedPackage.dependencies[p.package] })),
      typePackages: Object.fromEntries(TYPE_PACKAGES.map((n) => [n, embeddedPackage.dependencies[n]])),
      nocheck: "every extracted .ts (not .d.ts) starts with // @ts-nocheck",
      platformDependencies: embeddedPackage.dependencies,
    },
    null,
    2,
  )}\n`,
);
const ms = Math.round(performance.now() - started);
console.log(
  `sst ${sstPackage.version}: ${written} type files (${Math.round(bytes / 1024)} KB) of ${files.size} embedded → ${relative(root, platformDir)} in ${ms} ms`,
);
