import { ERROR_CODES } from "@dirgate/core";

/** The `/docs` page: the OpenAPI document rendered as plain HTML (no scripts, no external assets). */
export function renderDocsPage(document: object): string {
  const doc = document as Record<string, unknown>;
  const info = doc["info"] as { title: string; version: string; description: string };
  const paths = doc["paths"] as Record<
    string,
    Record<
      string,
      {
        summary: string;
        operationId: string;
        parameters: { name: string; in: string; required: boolean; description?: string }[];
      }
    >
  >;
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = op.parameters
        .map(
          (p) =>
            `<li><code>${esc(p.name)}</code> (${p.in}${p.required ? ", required" : ""})${p.description ? ` — ${esc(p.description)}` : ""}</li>`,
        )
        .join("");
      return `<section><h2><code>${method.toUpperCase()} ${esc(path)}</code></h2><p>${esc(op.summary)} <small>(${esc(op.operationId)})</small></p>${params ? `<ul>${params}</ul>` : ""}</section>`;
    }),
  );
  const codes = Object.entries(ERROR_CODES)
    .map(([code, status]) => `<tr><td><code>${code}</code></td><td>${status}</td></tr>`)
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}section{border-top:1px solid #ddd}td{padding:.1rem .8rem}</style></head>
<body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a></p>${operations.join("\n")}
<section><h2>Error codes</h2><table><tr><th>code</th><th>status</th></tr>${codes}</table></section></body></html>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
