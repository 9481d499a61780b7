import type { OperationName, Provider } from "@dirgate/core";
import { dingtalk } from "./dingtalk/index.ts";
import { eiam } from "./eiam/index.ts";
import { feishu } from "./feishu/index.ts";
import type { ProviderDefinition } from "./provider.ts";
import { wecom } from "./wecom/index.ts";

/** The provider table: one line per provider. The connection schema and the support matrix read it. */
export const PROVIDER_TABLE = { dingtalk, feishu, eiam, wecom } as const;

export type ProviderTable = typeof PROVIDER_TABLE;
export type SupportedProvider = keyof ProviderTable;

/** Every provider, for code that reads the table generically. */
export const PROVIDER_LIST = Object.values(PROVIDER_TABLE) as unknown as readonly ProviderDefinition<
  Provider,
  never,
  string
>[];

/** Which providers implement an operation, with the upstream call(s) each makes. */
export function supportMatrix(): Record<OperationName, Partial<Record<SupportedProvider, string>>> {
  const matrix = {} as Record<OperationName, Partial<Record<SupportedProvider, string>>>;
  for (const provider of Object.values(PROVIDER_TABLE)) {
    for (const [name, implementation] of Object.entries(provider.operations)) {
      matrix[name as OperationName] ??= {};
      matrix[name as OperationName][provider.name] = implementation.upstream;
    }
  }
  return matrix;
}
