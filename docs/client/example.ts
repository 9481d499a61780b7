/**
 * dirgate from TypeScript: openapi-fetch with the types openapi-typescript generates from
 * docs/openapi.json (`npm run openapi` writes docs/client/dirgate.d.ts). Paths, parameters, bodies,
 * answers and error bodies are all typed; a typo is a compile error.
 *
 *   npm start                              # the local API, backed by the sandbox
 *   npx tsx docs/client/example.ts         # DIRGATE_URL=https://… for a deployment (with a JWT: DIRGATE_TOKEN)
 */
import createClient from "openapi-fetch";
import type { components, paths } from "./dirgate.js";

export type DirectoryUser = components["schemas"]["DirectoryUser"];
export type Problem = components["schemas"]["Problem"];

const dirgate = createClient<paths>({
  baseUrl: process.env["DIRGATE_URL"] ?? "http://127.0.0.1:3000",
  headers: process.env["DIRGATE_TOKEN"] ? { authorization: `Bearer ${process.env["DIRGATE_TOKEN"]}` } : {},
});

/** Who has this mobile number: the person, or undefined when nobody has it. */
export async function whoHas(connection: string, mobile: string): Promise<DirectoryUser | undefined> {
  const { data, error } = await dirgate.POST("/v1/connections/{connection}/users/by-mobile", {
    params: { path: { connection } },
    body: { mobile },
  });
  if (error) {
    // A problem document (`code` is typed: "USER_NOT_FOUND" | "INVALID_REQUEST" | …), or API
    // Gateway's own `{ message }` (no credentials, throttled, …).
    if ("code" in error && error.code === "USER_NOT_FOUND") return undefined;
    throw new Error("code" in error ? `${error.code}: ${error.detail} (${error.requestId})` : error.message);
  }
  // Without idsOnly the answer is a whole profile; with it, a UserRef (no `name`).
  return "name" in data ? data : undefined;
}

/** Everyone in a department's subtree, page after page (each person once). */
export async function* everyoneIn(connection: string, departmentId: string): AsyncGenerator<DirectoryUser> {
  let pageToken: string | undefined;
  do {
    const { data, error } = await dirgate.GET(
      "/v1/connections/{connection}/departments/{departmentId}/users",
      {
        params: {
          path: { connection, departmentId },
          query: { recursive: true, pageSize: 100, ...(pageToken ? { pageToken } : {}) },
        },
      },
    );
    if (error) throw new Error("code" in error ? `${error.code}: ${error.detail}` : error.message);
    yield* data.items;
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const john = await whoHas("demo-dingtalk", "+86 138 0013 8000");
  console.log(
    john?.name,
    john?.mobile?.e164,
    john?.departments.map((d) => d.id),
  );
  let count = 0;
  for await (const person of everyoneIn("demo-feishu", "od-5caa30529e8feabe141512b5c3c7153a")) {
    if (count++ < 3) console.log(person.id, person.name, person.status);
  }
  console.log(`${count} people`);
}
