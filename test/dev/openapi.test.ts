import { readFileSync } from "node:fs";
import { ROUTES } from "@dirgate/core";
import { buildOpenApiDocument } from "@dirgate/dev";
import { describe, expect, it } from "vitest";

describe("OpenAPI document", () => {
  it("is committed fresh: docs/openapi.json equals what the route table generates (run `npm run openapi`)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8"));
    expect(committed).toEqual(buildOpenApiDocument());
  });

  it("documents every route, its parameters and its body", () => {
    const doc = buildOpenApiDocument() as {
      paths: Record<
        string,
        Record<
          string,
          { parameters: { name: string; in: string; required: boolean }[]; requestBody?: unknown }
        >
      >;
    };
    for (const route of ROUTES)
      expect(doc.paths[route.path]?.[route.method.toLowerCase()], route.path).toBeDefined();
    const list = doc.paths["/v1/connections/{connection}/departments/{departmentId}/users"]!["get"]!;
    expect(list.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "connection", in: "path", required: true }),
        expect.objectContaining({ name: "pageSize", in: "query", required: false }),
        expect.objectContaining({ name: "pageToken", in: "query", required: false }),
      ]),
    );
    expect(doc.paths["/v1/connections/{connection}/users/by-mobile"]!["post"]!.requestBody).toBeDefined();
  });
});
