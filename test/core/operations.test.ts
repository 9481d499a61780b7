import { existsSync } from "node:fs";
import {
  HTTP_LAMBDAS,
  inputSchema,
  OPERATION_NAMES,
  OPERATIONS,
  pathParameters,
  ROUTES,
} from "@dirgate/core";
import { PROVIDER_TABLE, supportMatrix } from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import * as z from "zod";

/** A valid value for each required field the operations have. */
const SAMPLES: Record<string, unknown> = {
  mobile: "13800138000",
  email: "zhangsan@example.com",
  items: [{ mobile: "13800138000" }],
};

/** The operation table is the single source of every route, Lambda and input: it must be consistent. */
describe("the operation table", () => {
  it.each(OPERATION_NAMES)("%s: every path parameter but the connection is an input field", (name) => {
    const op = OPERATIONS[name];
    const shape = op.input.shape as Record<string, z.ZodType>;
    for (const param of pathParameters(op.http.path)) {
      if (param === "connection") continue;
      expect(shape, `${name} {${param}}`).toHaveProperty(param);
    }
    expect(pathParameters(op.http.path)[0]).toBe("connection");
  });

  it.each(OPERATION_NAMES)("%s: every query field exists, and its wire kind matches its schema", (name) => {
    const op = OPERATIONS[name];
    const shape = op.input.shape as Record<string, z.ZodType>;
    for (const [field, kind] of Object.entries(op.http.query ?? {})) {
      const schema = shape[field];
      expect(schema, `${name}.${field}`).toBeDefined();
      const json = z.toJSONSchema(schema!, { io: "input", unrepresentable: "any" }) as { type?: string };
      const expected = kind === "integer" ? "integer" : kind === "boolean" ? "boolean" : "string";
      expect(json.type, `${name}.${field}`).toBe(expected);
      // A query field can be left out.
      expect(schema!.safeParse(undefined).success, `${name}.${field} optional`).toBe(true);
    }
  });

  it.each(OPERATION_NAMES)(
    "%s: has its Lambda file, and applies its defaults once, in the schema",
    (name) => {
      const op = OPERATIONS[name];
      expect(existsSync(new URL(`../../functions/${op.lambda}.ts`, import.meta.url)), op.lambda).toBe(true);
      const requiredOnly = Object.fromEntries(
        Object.entries(op.input.shape as Record<string, z.ZodType>)
          .filter(([, schema]) => !schema.safeParse(undefined).success)
          .map(([field]) => [field, SAMPLES[field] ?? "x"]),
      );
      const parsed = inputSchema(name).parse(requiredOnly) as Record<string, unknown>;
      for (const [field, schema] of Object.entries(op.input.shape as Record<string, z.ZodType>)) {
        const fallback = schema.safeParse(undefined);
        if (fallback.success && fallback.data !== undefined)
          expect(parsed[field], `${name}.${field}`).toEqual(fallback.data);
      }
    },
  );

  it("gives every route one Lambda, and every HTTP Lambda a file", () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const lambda of HTTP_LAMBDAS)
      expect(existsSync(new URL(`../../functions/${lambda}.ts`, import.meta.url)), lambda).toBe(true);
    expect(
      ROUTES.filter((r) => r.operation)
        .map((r) => r.operation)
        .sort(),
    ).toEqual([...OPERATION_NAMES].sort());
  });

  it("has every provider's implementations named after operations in the table", () => {
    for (const provider of Object.values(PROVIDER_TABLE))
      for (const name of Object.keys(provider.operations))
        expect(OPERATION_NAMES, `${provider.name}.${name}`).toContain(name);
    // The matrix the README and OpenAPI show comes from the same declarations.
    const matrix = supportMatrix();
    expect(Object.keys(matrix.userByEmail ?? {})).not.toContain("dingtalk");
    for (const [operation, providers] of Object.entries(matrix))
      for (const [provider, upstream] of Object.entries(providers))
        expect(upstream, `${provider}.${operation}`).toMatch(/\w/);
  });
});
