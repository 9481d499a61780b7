import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalServer } from "@dirgate/dev";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, checkDocsPage, type DocsPageReport } from "../../packages/dev/src/check-docs.ts";
import {
  DOCS_COPY_FILES,
  DOCS_CSP,
  DOCS_PERMISSIONS_POLICY,
  renderDocsPage,
} from "../../packages/lambda/src/docs-page.ts";
import { apiEvent, invoke } from "../helpers/lambda.ts";
import { assertAnswerConforms } from "../helpers/openapi-check.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const chromium = existsSync(CHROMIUM);
const missing = chromium ? "" : ` — SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`;
if (!chromium) console.warn(`docs-page.test.ts: the browser check is skipped${missing}`);

/** The meta function alone behind the local server: the page, its assets, the document, health. */
let server: Awaited<ReturnType<typeof startLocalServer>> | undefined;
let report: DocsPageReport;

beforeAll(async () => {
  if (!chromium) return;
  Object.assign(process.env, { LOG_LEVEL: "SILENT", AWS_REGION: "us-east-1" });
  const meta = (await import("../../functions/meta.ts")).handler as never;
  server = await startLocalServer({ handlers: { meta }, port: 0 });
  report = await checkDocsPage(server.url, { timeoutMs: 45_000 });
  console.log(
    `docs page in Chromium: launch ${report.ms.launch} ms, rendered ${report.ms.rendered} ms, with try it ${report.ms.total} ms`,
  );
}, 90_000);

afterAll(async () => {
  await server?.close();
});

describe.skipIf(!chromium)(`/docs in headless Chromium${missing}`, () => {
  it("shows every operation of the document", () => {
    expect(report.operations.length).toBeGreaterThanOrEqual(13);
    expect(report.operations.filter((o) => !o.shown)).toEqual([]);
  });

  it("applies its stylesheets (blocked styles would leave an unstyled page)", () => {
    expect(report.styles.rules).toBeGreaterThan(1_000);
    expect(report.styles.display).toBe("grid");
    expect(report.styles.font).not.toMatch(/^"?Times/);
    expect(report.styles.sidebar).toMatch(/^sticky /);
  });

  it("logs no console error or warning, violates no Content-Security-Policy directive, loads nothing from elsewhere", () => {
    expect(report.consoleErrors).toEqual([]);
    expect(report.consoleWarnings).toEqual([]);
    expect(report.cspViolations).toEqual([]);
    expect(report.foreignRequests).toEqual([]);
  });

  it("is served with exactly its own Content-Security-Policy and Permissions-Policy", () => {
    const page = report.answers.find((a) => new URL(a.url).pathname === "/docs")!;
    expect(page.headers["content-security-policy"]).toBe(DOCS_CSP);
    expect(page.headers["permissions-policy"]).toBe(DOCS_PERMISSIONS_POLICY);
    const script = report.answers.find((a) => new URL(a.url).pathname === "/docs/assets/scalar.js")!;
    expect(script.headers["content-encoding"]).toBe("gzip");
    expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it('"try it" reaches the API from the page', () => {
    expect(report.tryIt?.status).toBe(200);
    expect(JSON.parse(report.tryIt!.body)).toMatchObject({ status: "ok" });
  });

  it("every answer the page received conforms to the OpenAPI document", () => {
    expect(report.answers.length).toBeGreaterThanOrEqual(5);
    for (const answer of report.answers) {
      const url = new URL(answer.url);
      assertAnswerConforms({
        method: answer.method,
        path: url.pathname,
        status: answer.status,
        headers: answer.headers,
        body: answer.body,
      });
    }
  });
});

describe("the meta function's docs routes (no browser)", () => {
  type Handler = Parameters<typeof invoke>[0];
  let meta: Handler;
  beforeAll(async () => {
    Object.assign(process.env, { LOG_LEVEL: "SILENT", AWS_REGION: "us-east-1" });
    meta = (await import("../../functions/meta.ts")).handler as unknown as Handler;
  });

  it("names each asset by its content hash and serves it cacheable for a year by that name", async () => {
    const page = await invoke(meta, apiEvent("GET", "/docs"));
    const [, version] = /docs\/assets\/dirgate-docs\.js\?v=([\w-]+)/.exec(page.body)!;
    const named = await invoke(meta, apiEvent("GET", `/docs/assets/dirgate-docs.js?v=${version}`));
    expect(named.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const unnamed = await invoke(meta, apiEvent("GET", "/docs/assets/dirgate-docs.js"));
    expect(unnamed.headers["cache-control"]).toBe("public, no-cache");
    // Not gzipped when the request does not accept it.
    expect(unnamed.headers["content-encoding"]).toBeUndefined();
    expect(Buffer.from(unnamed.body, "base64").toString()).toContain("Scalar.createApiReference");
  });

  it("without the renderer, is the plain list of operations (no script)", () => {
    const page = renderDocsPage(JSON.parse(readFileSync(join(ROOT, "docs/openapi.json"), "utf8")));
    expect(page).toContain("<code>GET /v1/connections/{connection}/users/{userId}</code>");
    expect(page).not.toContain("<script");
  });

  it("answers an unknown asset 404 ROUTE_NOT_FOUND", async () => {
    const answer = await invoke(meta, apiEvent("GET", "/docs/assets/evil.js"));
    expect(answer).toMatchObject({ status: 404, json: { code: "ROUTE_NOT_FOUND" } });
  });
});

describe("the renderer in the deployed meta function", () => {
  /** Built as SST builds it (bench/sst-esbuild.ts has the details): one `bundle.mjs`, nothing external. */
  const sstBuild = (entry: string, outdir: string) =>
    build({
      entryPoints: [join(ROOT, entry)],
      outfile: join(outdir, "bundle.mjs"),
      absWorkingDir: ROOT,
      platform: "node",
      bundle: true,
      format: "esm",
      target: "es2023",
      mainFields: ["module", "main"],
      keepNames: true,
      minify: true,
      external: ["sharp", "pg-native"],
      banner: {
        js: [
          "import { createRequire as topLevelCreateRequire } from 'module';",
          "const require = topLevelCreateRequire(import.meta.url);",
          'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
          "const __filename = topLevelFileUrlToPath(import.meta.url)",
          'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
        ].join("\n"),
      },
      metafile: true,
      logLevel: "silent",
    });
  /** The inputs that put bytes into the bundle (the metafile's `inputs` also lists what was tree-shaken). */
  const bundled = (metafile: Metafile) =>
    Object.values(metafile.outputs)
      .flatMap((output) => Object.entries(output.inputs))
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "dirgate-meta-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("serves the renderer from the copy SST puts next to bundle.mjs (copyFiles), with no node_modules", async () => {
    const pkg = join(work, "meta");
    const result = await sstBuild("functions/meta.ts", pkg);
    // What the function package holds: the bundle, and the renderer where DOCS_COPY_FILES puts it.
    for (const file of DOCS_COPY_FILES) {
      mkdirSync(join(pkg, file.to, ".."), { recursive: true });
      copyFileSync(join(ROOT, file.from), join(pkg, file.to));
    }
    const bundleBytes = statSync(join(pkg, "bundle.mjs")).size;
    expect(bundled(result.metafile).filter((i) => i.includes("@scalar"))).toEqual([]);
    // The renderer (4.9 MB) is a file beside the bundle, not in it.
    expect(bundleBytes).toBeLessThan(1024 * 1024);
    // Run from elsewhere (not the package, not the repo): the copy must be found next to the bundle.
    const child = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { handler } = await import(${JSON.stringify(join(pkg, "bundle.mjs"))});
         const event = (path, file) => ({ version: "2.0", routeKey: "GET " + path, rawPath: path, headers: { "accept-encoding": "gzip" },
           ...(file ? { pathParameters: { file } } : {}), requestContext: { http: { method: "GET", path } } });
         const context = { awsRequestId: "x", getRemainingTimeInMillis: () => 5000 };
         const page = await handler(event("/docs"), context);
         const asset = await handler(event("/docs/assets/{file}", "scalar.js"), context);
         console.log(JSON.stringify({ page: page.statusCode, csp: page.headers["content-security-policy"], asset: asset.statusCode, bytes: Buffer.from(asset.body, "base64").length }));`,
      ],
      {
        cwd: tmpdir(),
        encoding: "utf8",
        env: { PATH: process.env["PATH"], LOG_LEVEL: "SILENT", AWS_REGION: "us-east-1" },
      },
    );
    expect(child.stderr).toBe("");
    const answer = JSON.parse(child.stdout.trim().split("\n").at(-1)!);
    expect(answer).toMatchObject({ page: 200, csp: DOCS_CSP, asset: 200 });
    expect(answer.bytes).toBeGreaterThan(1_000_000);
    console.log(`meta bundle.mjs: ${(bundleBytes / 1024).toFixed(1)} KB (+ docs-assets/scalar.js, copied)`);
  }, 60_000);

  it("stays out of the lookup functions", async () => {
    const result = await sstBuild("functions/user-by-id.ts", join(work, "user-by-id"));
    expect(
      bundled(result.metafile).filter((i) => /docs-page|meta\.ts|openapi\.json|@scalar/.test(i)),
    ).toEqual([]);
    expect(readFileSync(join(work, "user-by-id", "bundle.mjs"), "utf8")).not.toContain("createApiReference");
  }, 60_000);
});
