import { writeFileSync } from "node:fs";
import { buildOpenApiDocument } from "./openapi.ts";

/** `npm run openapi`: writes docs/openapi.json from the operation table's zod schemas. */
const target = new URL("../../../docs/openapi.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
