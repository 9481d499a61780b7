import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";

/**
 * The typed client's types: `docs/client/dirgate.d.ts`, generated from the OpenAPI document by
 * openapi-typescript (for openapi-fetch: see docs/client/example.ts), formatted as the repository
 * formats TypeScript (Biome). `npm run openapi` writes it next to docs/openapi.json; a test fails
 * when it is stale.
 */
export const CLIENT_TYPES_PATH = "docs/client/dirgate.d.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export async function generateClientTypes(document: object): Promise<string> {
  const ast = await openapiTS(document as OpenAPI3, { alphabetize: false });
  const source = `/**
 * dirgate's API as TypeScript types, for openapi-fetch (docs/client/example.ts).
 * Generated from docs/openapi.json by openapi-typescript: \`npm run openapi\` writes it; do not edit.
 */

${astToString(ast)}`;
  const biome = spawnSync(
    process.execPath,
    [`${ROOT}node_modules/@biomejs/biome/bin/biome`, "format", `--stdin-file-path=${CLIENT_TYPES_PATH}`],
    { cwd: ROOT, input: source, encoding: "utf8" },
  );
  if (biome.status !== 0) throw new Error(`biome format failed: ${biome.stderr}`);
  return biome.stdout;
}
