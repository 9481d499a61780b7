import {
  type CallOptions,
  DEFAULT_HTTP_DEPS,
  type HttpDeps,
  inputSchema,
  OPERATION_NAMES,
  type OperationName,
  type OperationOutput,
  type OperationRequest,
  TokenCache,
} from "@dirgate/core";
import {
  type ClientDeps,
  ConnectionConfigSchema,
  createProviderClient,
  type ProviderClient,
} from "@dirgate/providers";
import type { Sandbox } from "@dirgate/sandbox";

/** Client deps for tests: short backoff (recorded), a fresh token cache, every error the clients throw kept. */
export function testDeps(overrides: Partial<HttpDeps> = {}) {
  const sleeps: number[] = [];
  const deps: ClientDeps = {
    http: {
      ...DEFAULT_HTTP_DEPS,
      baseDelayMs: 5,
      maxDelayMs: 20,
      timeoutMs: 2_000,
      sleep: async (ms) => {
        sleeps.push(ms);
        await new Promise((r) => setTimeout(r, ms));
      },
      ...overrides,
    },
    tokens: new TokenCache(),
  };
  return { deps, sleeps };
}

/** Every error a test client threw, for the leak test. */
export const thrownErrors: unknown[] = [];

/** A provider client with one method per operation, taking the input as a caller writes it (defaults applied). */
export type TestClient = ProviderClient & {
  [N in OperationName]: (input: OperationRequest<N>, options?: CallOptions) => Promise<OperationOutput<N>>;
};

/** A client for one of the sandbox's demo connections (or a config derived from one). */
export function demoClient(
  sbx: Sandbox,
  connection: string,
  deps: ClientDeps = testDeps().deps,
  patch: Record<string, unknown> = {},
): TestClient {
  const config = ConnectionConfigSchema.parse({ ...sbx.connections[connection], ...patch });
  const client = createProviderClient(connection, config, deps);
  const methods = Object.fromEntries(
    OPERATION_NAMES.map((name) => [
      name,
      (input: unknown, options?: CallOptions) =>
        client.run(name, inputSchema(name).parse(input), options).catch((error: unknown) => {
          thrownErrors.push(error);
          throw error;
        }),
    ]),
  );
  return Object.assign({}, client, methods) as unknown as TestClient;
}

/** Awaits a promise that must reject, and returns the reason. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; [key: string]: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string };
  }
  throw new Error("expected a rejection");
}
