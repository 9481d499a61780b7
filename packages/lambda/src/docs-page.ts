import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { DirgateError, ERROR_CODES } from "@dirgate/core";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/**
 * `GET /docs`: the API reference, rendered in the browser by Scalar's standalone bundle
 * (`@scalar/api-reference`, MIT: every operation with its parameters, bodies, enums, schemas,
 * responses, examples and auth, and "try it" against this API). dirgate serves the renderer
 * itself (`GET /docs/assets/{file}`): no CDN, nothing fetched from elsewhere at run time, and a
 * Content-Security-Policy that allows exactly what the page does.
 *
 * Where the renderer comes from: in AWS, SST copies the bundle into the meta function's package
 * (`copyFiles`: {@link DOCS_COPY_FILES}) next to `bundle.mjs`; everywhere else (`npm start`, the
 * tests, `sst dev`) it is read from node_modules. It is read (and gzipped) on the first request
 * that needs it, never at cold start: `/v1/health` does not pay for it.
 */

/** The renderer's package and its browser bundle (a static file: the package's engines do not apply). */
export const RENDERER = { package: "@scalar/api-reference", file: "dist/browser/standalone.js" } as const;

/** The folder of the function package the renderer is copied into, and the copy itself. */
export const DOCS_ASSET_DIR = "docs-assets";
export const DOCS_COPY_FILES = [
  { from: `node_modules/${RENDERER.package}/${RENDERER.file}`, to: `${DOCS_ASSET_DIR}/scalar.js` },
] as const;

/**
 * The page's Content-Security-Policy: what the page does, and nothing more (the browser check,
 * test/dev/docs-page.test.ts, fails on any violation):
 * - scripts: this origin only (the renderer and the page's own bootstrap file), no inline script, no eval;
 * - styles: inline only — the renderer (Vue) injects `<style>` elements without a nonce and sets
 *   `style` attributes; it loads no stylesheet file. CSS cannot run script, and every URL a style
 *   could load is governed by the directives below;
 * - images: `data:` only (the renderer's inline icons, the page's empty favicon);
 * - connections: this origin only: the OpenAPI document and "try it" (the page's origin is the API's);
 * - nothing else: no fonts (system fonts), frames, workers, objects, forms, `<base>`, framing.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  "img-src data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The page's Permissions-Policy: every powerful feature off, but the clipboard (the renderer's
 * "copy" buttons). Only features Chromium knows: an unknown one is a console warning on every load.
 */
export const DOCS_PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "clipboard-read=()",
  "clipboard-write=(self)",
  "display-capture=()",
  "encrypted-media=()",
  "fullscreen=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "idle-detection=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "picture-in-picture=()",
  "publickey-credentials-get=()",
  "screen-wake-lock=()",
  "serial=()",
  "sync-xhr=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

/**
 * The page's own script (a file, so the CSP needs no inline script): configures the renderer for
 * this page. zod (inside the renderer) probes `new Function` unless told to run jitless, which
 * the CSP would report as a blocked eval; the renderer's defaults that reach other hosts (fonts,
 * telemetry, the AI agent, MCP, the developer toolbar's links) are off. "Try it" goes to the
 * page's own origin (the only one `connect-src` allows), whatever the document's `servers` say.
 */
const BOOTSTRAP = `// dirgate: the API reference (Scalar), configured for this page and its Content-Security-Policy.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
document.addEventListener("DOMContentLoaded", function () {
  var base = new URL(".", location.href).href.replace(/\\/$/, "");
  Scalar.createApiReference("#app", {
    url: base + "/v1/openapi.json",
    servers: [{ url: base, description: "This API (where this page is served)" }],
    withDefaultFonts: false,
    telemetry: false,
    showDeveloperTools: "never",
    agent: { disabled: true },
    mcp: { disabled: true },
    persistAuth: false,
    documentDownloadType: "json",
    defaultOpenAllTags: true,
    // Snippets and "try it" with a bearer token: the renderer has no SigV4 signer (it would show
    // the AWS4-HMAC-SHA256 scheme as Basic), and IAM signatures cannot be made in a browser.
    authentication: { preferredSecurityScheme: "jwt" },
  });
});
`;

interface Asset {
  type: string;
  read: () => Buffer;
}

const ASSETS: Record<string, Asset> = {
  "dirgate-docs.js": { type: "text/javascript; charset=utf-8", read: () => Buffer.from(BOOTSTRAP) },
  "scalar.js": { type: "text/javascript; charset=utf-8", read: readRenderer },
};

/** The names `GET /docs/assets/{file}` serves. */
export const DOCS_ASSET_FILES = Object.keys(ASSETS);

/**
 * The renderer: the copy beside the bundle (AWS: SST writes `bundle.mjs` at the package root,
 * which is also the function's working directory), else the installed package.
 */
function readRenderer(): Buffer {
  const candidates = [
    fileURLToPath(new URL(`./${DOCS_ASSET_DIR}/scalar.js`, import.meta.url)),
    join(process.cwd(), DOCS_ASSET_DIR, "scalar.js"),
  ];
  try {
    // The package's main entry is dist/index.js; the browser bundle is beside it.
    candidates.push(
      join(dirname(createRequire(import.meta.url).resolve(RENDERER.package)), "browser/standalone.js"),
    );
  } catch {
    // not installed here: only the copies can serve
  }
  for (const path of candidates) {
    try {
      return readFileSync(path);
    } catch {
      // next candidate
    }
  }
  throw new Error(
    `the API reference's renderer is missing: install ${RENDERER.package}, or copy ${DOCS_COPY_FILES[0].from} to ${DOCS_COPY_FILES[0].to} in the function package`,
  );
}

interface Loaded {
  body: Buffer;
  /** A content hash: the page names each asset by it, so a new renderer is never a stale cache. */
  version: string;
  gzip?: Buffer;
}

/**
 * The docs site of one container: the page and its assets, each read, hashed and gzipped once.
 * Without the renderer (not installed, not copied into the package) the page is the plain list
 * of operations, and `onMissingRenderer` hears why.
 */
export function createDocsSite(document: object, onMissingRenderer: (error: Error) => void = () => {}) {
  const loaded = new Map<string, Loaded>();
  const load = (file: string): Loaded => {
    let asset = loaded.get(file);
    if (!asset) {
      const body = ASSETS[file]!.read();
      asset = { body, version: createHash("sha256").update(body).digest("base64url").slice(0, 12) };
      loaded.set(file, asset);
    }
    return asset;
  };
  let html: string | undefined;

  return {
    /** `GET /docs`. */
    page(): APIGatewayProxyStructuredResultV2 {
      let body = html;
      if (body === undefined) {
        try {
          body = html = renderDocsPage(document, {
            bootstrap: `docs/assets/dirgate-docs.js?v=${load("dirgate-docs.js").version}`,
            renderer: `docs/assets/scalar.js?v=${load("scalar.js").version}`,
          });
        } catch (error) {
          onMissingRenderer(error as Error);
          body = renderDocsPage(document);
        }
      }
      return {
        statusCode: 200,
        headers: {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-cache",
          "content-security-policy": DOCS_CSP,
          "permissions-policy": DOCS_PERMISSIONS_POLICY,
        },
        body,
      };
    },

    /**
     * `GET /docs/assets/{file}`: gzipped when the client takes it (the renderer is 4.9 MB, 1.4 MB
     * gzipped; a Lambda answer is at most 6 MB). Cached for a year when asked for by the version
     * the page names (`?v=`), revalidated otherwise.
     */
    asset(
      file: string | undefined,
      acceptEncoding: string | undefined,
      version: string | undefined,
    ): APIGatewayProxyStructuredResultV2 {
      if (!file || !Object.hasOwn(ASSETS, file)) {
        throw new DirgateError("ROUTE_NOT_FOUND", `no asset ${file ?? ""}: ${DOCS_ASSET_FILES.join(", ")}`);
      }
      const asset = load(file);
      const gzip = /\bgzip\b(?!\s*;\s*q=0(?:\.0*)?\b)/i.test(acceptEncoding ?? "");
      if (gzip) asset.gzip ??= gzipSync(asset.body, { level: 6 });
      return {
        statusCode: 200,
        headers: {
          "content-type": ASSETS[file]!.type,
          "cache-control":
            version === asset.version ? "public, max-age=31536000, immutable" : "public, no-cache",
          vary: "accept-encoding",
          ...(gzip ? { "content-encoding": "gzip" } : {}),
        },
        body: (gzip ? asset.gzip! : asset.body).toString("base64"),
        isBase64Encoded: true,
      };
    },
  };
}

/**
 * The page: the renderer's mount point and its two scripts; without JavaScript (or without the
 * renderer: no `scripts`), a plain list of the operations and the error codes, and a link to the
 * document. URLs are relative to the page, so the API may sit under a path prefix.
 */
export function renderDocsPage(document: object, scripts?: { bootstrap: string; renderer: string }): string {
  const doc = document as Record<string, unknown>;
  const info = doc["info"] as { title: string; version: string; summary?: string };
  const paths = doc["paths"] as Record<string, Record<string, { summary?: string; operationId?: string }>>;
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(
      ([method, op]) =>
        `<li><code>${method.toUpperCase()} ${esc(path)}</code> — ${esc(op.summary ?? "")}</li>`,
    ),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} ${esc(info.version)} — API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
${scripts ? "<noscript>" : "<main>"}
<h1>${esc(info.title)} ${esc(info.version)}</h1>
<p>${esc(info.summary ?? "")}</p>
<p>${scripts ? "This reference needs JavaScript." : "The interactive reference is not available here: its renderer is not installed."} Machine-readable: <a href="v1/openapi.json">/v1/openapi.json</a>.</p>
<ul>
${operations.join("\n")}
</ul>
<p>Error codes (RFC 9457 problem documents): ${Object.entries(ERROR_CODES)
    .map(([code, status]) => `<code>${code}</code> ${status}`)
    .join(", ")}.</p>
${
  scripts
    ? `</noscript>
<div id="app"></div>
<script src="${esc(scripts.bootstrap)}"></script>
<script src="${esc(scripts.renderer)}"></script>`
    : "</main>"
}
</body>
</html>
`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
