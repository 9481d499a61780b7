import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CLIENT_TYPES_PATH, generateClientTypes } from "./client-types.ts";
import { buildOpenApiDocument } from "./openapi.ts";

/**
 * `npm run openapi`: writes docs/openapi.json from the operation table's zod schemas, and the typed
 * client's types generated from it (docs/client/dirgate.d.ts).
 */
try {
  const { values } = parseArgs({ options: { help: { type: "boolean", short: "h" } }, strict: true });
  if (values.help) {
    process.stdout.write(
      "usage: npm run openapi\n\nWrites docs/openapi.json and docs/client/dirgate.d.ts from the operation table.\n",
    );
    process.exit(0);
  }
} catch (error) {
  process.stderr.write(
    `npm run openapi: ${(error as Error).message.split("\n")[0]} (npm run openapi -- --help)\n`,
  );
  process.exit(2);
}
const root = new URL("../../../", import.meta.url);
const document = buildOpenApiDocument();
writeFileSync(new URL("docs/openapi.json", root), `${JSON.stringify(document, null, 2)}\n`);
console.log("wrote docs/openapi.json");
mkdirSync(new URL("docs/client/", root), { recursive: true });
writeFileSync(new URL(CLIENT_TYPES_PATH, root), await generateClientTypes(document));
console.log(`wrote ${CLIENT_TYPES_PATH}`);
