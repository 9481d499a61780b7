import type * as z from "zod";
import { department } from "./department.ts";
import { departmentChildren } from "./department-children.ts";
import { departmentUsers } from "./department-users.ts";
import { userByEmail } from "./user-by-email.ts";
import { userById } from "./user-by-id.ts";
import { userByMobile } from "./user-by-mobile.ts";
import { usersLookup } from "./users-lookup.ts";

export { type LookupItem, LookupItemSchema, type LookupResult, LookupResultSchema } from "./users-lookup.ts";

/**
 * The operation table: one line per operation. Routes, `sst.config.ts`, the local server, the
 * OpenAPI document, direct invocation and the batch consumer are all derived from it.
 */
export const OPERATIONS = {
  userByMobile,
  userByEmail,
  userById,
  usersLookup,
  department,
  departmentChildren,
  departmentUsers,
} as const;

export type Operations = typeof OPERATIONS;
export type OperationName = keyof Operations;
/** An operation's input after validation (defaults applied). */
export type OperationInput<N extends OperationName> = z.output<Operations[N]["input"]>;
/** An operation's input as a caller may write it (defaults optional). */
export type OperationRequest<N extends OperationName> = z.input<Operations[N]["input"]>;
export type OperationOutput<N extends OperationName> = z.output<Operations[N]["output"]>;

export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === "string" && Object.hasOwn(OPERATIONS, name);
}

/**
 * An operation's input schema, typed by the operation's name. TypeScript cannot narrow
 * `OPERATIONS[N]` for a generic `N` (it widens to the union of every operation), so this is the
 * one place that states the correlation; everything downstream is typed from it.
 */
export function inputSchema<N extends OperationName>(
  name: N,
): z.ZodType<OperationInput<N>, OperationRequest<N>> {
  return OPERATIONS[name].input as unknown as z.ZodType<OperationInput<N>, OperationRequest<N>>;
}
