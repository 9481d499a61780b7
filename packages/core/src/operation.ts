import type * as z from "zod";
import type { ErrorCode } from "./errors.ts";

/** How a query-string value is read before validation: text as is, a whole number, or true/false. */
export type QueryKind = "string" | "integer" | "boolean";

/**
 * Where an operation's input comes from on its HTTP route. Path parameters are the `{names}` of
 * the path (`{connection}` is the connection, every other one an input field); `query` names the
 * input fields read from the query string; every remaining field is the JSON body (POST).
 */
export interface HttpBinding<In> {
  method: "GET" | "POST";
  path: `/v1/connections/{connection}/${string}`;
  query?: { readonly [K in keyof In]?: QueryKind };
}

/**
 * One operation of the API, as data: everything else (the HTTP route and its Lambda, direct
 * invocation, the batch, the OpenAPI document, 501 for providers that lack it) reads this.
 */
export interface OperationDescriptor<
  N extends string = string,
  In extends z.ZodObject = z.ZodObject,
  Out extends z.ZodType = z.ZodType,
> {
  name: N;
  /** The Lambda serving it: `functions/{lambda}.ts`. */
  lambda: string;
  summary: string;
  description?: string;
  /** The input, validated once; defaults are applied here and nowhere else. */
  input: In;
  /** The success answer. */
  output: Out;
  http: HttpBinding<z.input<In>>;
  /**
   * Where a batch result carries the answer: under this name (`user`), or spread when absent (a
   * page: `items` and `nextPageToken`).
   */
  resultName?: string;
  /** The error codes this operation can answer besides the ones every operation can. */
  errors: readonly ErrorCode[];
}

/** Declares an operation (identity at run time; it keeps the literal name and schema types). */
export function defineOperation<const N extends string, In extends z.ZodObject, Out extends z.ZodType>(
  descriptor: OperationDescriptor<N, In, Out>,
): OperationDescriptor<N, In, Out> {
  return descriptor;
}

/** The names of the `{…}` path parameters of a route, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
