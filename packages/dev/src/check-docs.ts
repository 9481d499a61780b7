import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Response } from "playwright-core";

/**
 * The API reference page, checked in a real browser: Debian's Chromium (`apt-get install -y
 * chromium`), headless, driven by playwright-core (no browser download). The page must render
 * every operation of the document it serves, with its stylesheets applied, without one console
 * error, page error or Content-Security-Policy violation, without a request to any other origin;
 * and "try it" must reach the API. test/dev/docs-page.test.ts runs it; so does `npm run
 * check:docs [URL]` (default: a local API it starts itself, without the sandbox).
 */

export const CHROMIUM = "/usr/bin/chromium";

// The page's globals, as the functions that run in the page use them (this project is
// type-checked without the DOM library).
interface PageElement {
  sheet?: { cssRules: { length: number } } | null;
}
interface CspViolation {
  violatedDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  getElementById(id: string): PageElement | null;
  addEventListener(type: "securitypolicyviolation", listener: (event: CspViolation) => void): void;
};
declare function getComputedStyle(element: PageElement): {
  display: string;
  fontFamily: string;
  position: string;
  width: string;
};

export interface HttpSeen {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  /** JSON bodies only (the scripts are megabytes). */
  body?: string;
}

export interface DocsPageReport {
  /** `METHOD path` of every operation of the document, and whether the page shows it. */
  operations: { operation: string; shown: boolean }[];
  styles: { rules: number; display: string; font: string; sidebar: string };
  /** Console errors and page errors (a blocked API, a failed request, an exception). */
  consoleErrors: string[];
  /** Console warnings (an unknown Permissions-Policy feature, …). */
  consoleWarnings: string[];
  cspViolations: string[];
  foreignRequests: string[];
  /** What the API answered when "try it" sent `GET /v1/health` from the page. */
  tryIt?: { status: number; body: string };
  /** Every answer of the page's origin (the page, its scripts, the document, "try it"). */
  answers: HttpSeen[];
  ms: { launch: number; rendered: number; total: number };
}

export async function checkDocsPage(
  base: string,
  options: { executablePath?: string; screenshot?: string; timeoutMs?: number } = {},
): Promise<DocsPageReport> {
  const started = Date.now();
  const origin = new URL(base).origin;
  const timeout = options.timeoutMs ?? 30_000;
  const browser = await chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM,
    // As root (CI, containers) Chromium's sandbox cannot start; the page is our own.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const launched = Date.now();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const consoleWarnings: string[] = [];
    const cspViolations: string[] = [];
    const foreignRequests: string[] = [];
    const pending: Promise<void>[] = [];
    const answers: HttpSeen[] = [];
    page.on("console", (message) => {
      if (message.text().startsWith("csp-violation ")) cspViolations.push(message.text().slice(14));
      else if (message.type() === "error") consoleErrors.push(message.text());
      else if (message.type() === "warning") consoleWarnings.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`page error: ${error.message}`));
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith("data:")) foreignRequests.push(url);
    });
    page.on("response", (response: Response) => {
      if (!response.url().startsWith(`${origin}/`)) return;
      pending.push(
        (async () => {
          const headers = await response.allHeaders();
          const json = /json/.test(headers["content-type"] ?? "");
          answers.push({
            method: response.request().method(),
            url: response.url(),
            status: response.status(),
            headers,
            ...(json ? { body: await response.text().catch(() => "") } : {}),
          });
        })(),
      );
    });
    // Reported as console lines: the events fire in the page, before any listener could be added.
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        console.log(`csp-violation ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      );
    });

    await page.goto(new URL("docs", `${base.replace(/\/$/, "")}/`).href, { timeout });
    const openapi = (await (
      await page.request.get(new URL("v1/openapi.json", `${origin}/`).href)
    ).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const expected = Object.entries(openapi.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        operation: `${method.toUpperCase()} ${path}`,
        selector: `[id$="/tag/${op.tags?.[0] ?? ""}/${method.toUpperCase()}${path}"]`,
      })),
    );
    // The last operation of the last tag: rendered once the page is.
    await page.waitForSelector(expected.at(-1)!.selector, { state: "attached", timeout });
    const rendered = Date.now();
    const operations = await page.evaluate(
      (list) =>
        list.map((e) => ({ operation: e.operation, shown: document.querySelector(e.selector) !== null })),
      expected,
    );
    const styles = await page.evaluate(() => {
      const app = document.querySelector(".scalar-app");
      const aside = document.querySelector(".scalar-app aside");
      const sheet = document.getElementById("scalar-style")?.sheet;
      return {
        rules: sheet?.cssRules.length ?? 0,
        display: app ? getComputedStyle(app).display : "",
        font: app ? getComputedStyle(app).fontFamily : "",
        sidebar: aside ? `${getComputedStyle(aside).position} ${getComputedStyle(aside).width}` : "",
      };
    });

    // A "copy" button (the clipboard is the one powerful feature the page's policy allows).
    const first = page.locator(expected[0]!.selector);
    await first.scrollIntoViewIfNeeded({ timeout });
    await first.getByRole("button", { name: /copy/i }).first().click({ timeout, force: true });

    // "Try it": health's Test Request opens the client, Send calls the API from the page.
    const health = page.locator('[id$="/tag/meta/GET/v1/health"]');
    await health.scrollIntoViewIfNeeded({ timeout });
    await health
      .getByRole("button", { name: /Test Request/ })
      .first()
      .click({ timeout });
    const answered = page.waitForResponse((r) => r.url() === `${origin}/v1/health`, { timeout });
    await page.getByRole("button", { name: /^Send/ }).first().click({ timeout });
    const tried = await answered;
    const tryIt = { status: tried.status(), body: await tried.text() };
    await page.getByText('"status": "ok"').first().waitFor({ timeout });

    if (options.screenshot) await page.screenshot({ path: options.screenshot });
    await Promise.all(pending);
    return {
      operations,
      styles,
      consoleErrors,
      consoleWarnings,
      cspViolations,
      foreignRequests,
      tryIt,
      answers,
      ms: { launch: launched - started, rendered: rendered - started, total: Date.now() - started },
    };
  } finally {
    await browser.close();
  }
}

/** `npm run check:docs [URL]`: checks the page at URL, or at a local API of the meta function it starts. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!existsSync(CHROMIUM)) {
    console.error(`check:docs: ${CHROMIUM} is missing: apt-get install -y chromium`);
    process.exit(2);
  }
  let base = process.argv[2];
  let close = async () => {};
  if (!base) {
    Object.assign(process.env, { LOG_LEVEL: process.env["LOG_LEVEL"] ?? "SILENT", AWS_REGION: "us-east-1" });
    const { startLocalServer } = await import("./local-server.ts");
    const meta = (await import("../../../functions/meta.ts")).handler as never;
    const server = await startLocalServer({ handlers: { meta }, port: 0 });
    base = server.url;
    close = server.close;
  }
  const screenshot = join(tmpdir(), "dirgate-docs-page.png");
  const report = await checkDocsPage(base, { screenshot });
  await close();
  const missing = report.operations.filter((o) => !o.shown).map((o) => o.operation);
  const failures = [
    ...missing.map((o) => `not shown: ${o}`),
    ...report.consoleErrors.map((e) => `console: ${e}`),
    ...report.consoleWarnings.map((e) => `console warning: ${e}`),
    ...report.cspViolations.map((v) => `CSP: ${v}`),
    ...report.foreignRequests.map((u) => `request to another origin: ${u}`),
    ...(report.styles.display === "grid" ? [] : [`styles not applied: ${JSON.stringify(report.styles)}`]),
    ...(report.tryIt?.status === 200 ? [] : [`try it: ${JSON.stringify(report.tryIt)}`]),
  ];
  console.log(
    `${base}/docs: ${report.operations.length - missing.length}/${report.operations.length} operations shown, ${report.styles.rules} style rules, try it ${report.tryIt?.status}, ${report.ms.total} ms (screenshot: ${screenshot})`,
  );
  for (const failure of failures) console.log(`  ✗ ${failure}`);
  process.exit(failures.length ? 1 : 0);
}
