// Writes packages/core/src/phone-metadata.json: libphonenumber-js's "min" metadata (the smallest it
// ships, 80 KB of the Lambda bundle) without the number formats (index 4 of each country), which
// only formatting and as-you-type use. dirgate parses (parsePhoneNumberFromString + isPossible):
// parse reads the calling codes, IDD and national prefixes, national number patterns, possible
// lengths and leading digits, all kept. 33 KB instead of 83 KB; test/core/phone-metadata.test.ts
// checks the file is this derivation of the installed libphonenumber-js and parses as the full one.
//   node scripts/phone-metadata.mjs          (after upgrading libphonenumber-js)
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** The min metadata without formats: the same object shape, formats as null. */
export function parseOnlyMetadata(min) {
  const trimmed = structuredClone(min);
  for (const group of [trimmed.countries, trimmed.nonGeographic ?? {}]) {
    for (const id of Object.keys(group)) if (group[id].length > 4) group[id][4] = null;
  }
  return trimmed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = new URL("../packages/core/src/phone-metadata.json", import.meta.url);
  const metadata = parseOnlyMetadata(require("libphonenumber-js/metadata.min.json"));
  writeFileSync(out, `${JSON.stringify(metadata)}\n`);
  // In the repo's style (biome check covers it); esbuild minifies it again in a bundle.
  execFileSync(new URL("../node_modules/.bin/biome", import.meta.url).pathname, [
    "format",
    "--write",
    out.pathname,
  ]);
  console.log(
    `${out.pathname}: ${JSON.stringify(metadata).length} bytes (libphonenumber-js metadata ${metadata.version})`,
  );
}
