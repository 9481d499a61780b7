import { DirgateError } from "@dirgate/core";
import { ConnectionStore, type SecretReader } from "@dirgate/lambda";
import type { ProviderClient } from "@dirgate/providers";
import { describe, expect, it } from "vitest";

/**
 * The connection store's rules beyond the basics (packages/lambda/src/connection-store.ts): where
 * a connection's secret is read from, how each secret-store failure is answered, what makes a
 * secret invalid (and that no value of it reaches a message), loopback base URLs, and which
 * upstream failures make it read the secret again.
 */
const feishu = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ provider: "feishu", appId: "cli_x", appSecret: "fs-secret-value", ...extra });

function store(
  read: (id: string) => Promise<string>,
  options: Partial<ConstructorParameters<typeof ConnectionStore>[0]> = {},
) {
  const reads: string[] = [];
  const reader: SecretReader = {
    read: async (id) => {
      reads.push(id);
      return read(id);
    },
  };
  const connections = new ConnectionStore({
    reader,
    prefix: "dirgate/prod",
    ttlMs: 60_000,
    max: 10,
    unknownTtlMs: 60_000,
    createClient: (id, config) => ({ provider: config.provider, connection: id }) as ProviderClient,
    ...options,
  });
  return { connections, reads };
}

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as DirgateError;
  }
  throw new Error("expected a failure");
};

describe("ConnectionStore: reading", () => {
  it("reads `{prefix}/connections/{id}` and hands over the validated config", async () => {
    const { connections, reads } = store(async () => feishu());
    const loaded = await connections.get("acme-1");
    expect(reads).toEqual(["dirgate/prod/connections/acme-1"]);
    expect(loaded).toMatchObject({
      id: "acme-1",
      secret: feishu(),
      config: { provider: "feishu", appId: "cli_x" },
      client: { provider: "feishu", connection: "acme-1" },
    });
  });

  it("hands the request's deadline to the secret store", async () => {
    const seen: unknown[] = [];
    const connections = new ConnectionStore({
      reader: {
        read: async (_id, options) => {
          seen.push(options);
          return feishu();
        },
      },
      prefix: "p",
      ttlMs: 1,
      max: 1,
      unknownTtlMs: 0,
      createClient: () => ({}) as ProviderClient,
    });
    await connections.get("a", { deadline: 12_345 });
    expect(seen).toEqual([{ deadline: 12_345 }]);
  });
});

describe("ConnectionStore: when the secret store fails", () => {
  it("a crash of the reader is an unavailable store, retryable, its cause kept", async () => {
    const crash = new TypeError("socket closed");
    const error = await failure(store(async () => Promise.reject(crash)).connections.get("a"));
    expect(error).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      message: "the secret store is unavailable",
      retryable: true,
    });
    expect(error.cause).toBe(crash);
  });

  it("a timeout of the store is an unavailable store, as retryable as the timeout was", async () => {
    const timeout = new DirgateError("UPSTREAM_TIMEOUT", "secrets: no answer within 800 ms", {
      retryable: true,
    });
    const error = await failure(store(async () => Promise.reject(timeout)).connections.get("a"));
    expect(error).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      message: "the secret store is unavailable",
      retryable: true,
    });
    expect(error.cause).toBe(timeout);
    const final = new DirgateError("UPSTREAM_UNAVAILABLE", "gone", { retryable: false });
    expect(await failure(store(async () => Promise.reject(final)).connections.get("a"))).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      retryable: false,
    });
  });

  it("any other answer of the store (access denied, …) is passed through as it is", async () => {
    const denied = new DirgateError("FORBIDDEN", "not allowed to read the secret");
    expect(await failure(store(async () => Promise.reject(denied)).connections.get("a"))).toBe(denied);
  });

  it("an unknown id: CONNECTION_NOT_FOUND naming it; not remembered when unknownTtlMs is 0", async () => {
    const missing = async () => Promise.reject(new DirgateError("CONNECTION_NOT_FOUND", "store said so"));
    const { connections, reads } = store(missing, { unknownTtlMs: 0 });
    expect(await failure(connections.get("ghost"))).toMatchObject({
      code: "CONNECTION_NOT_FOUND",
      message: "no connection ghost",
    });
    await failure(connections.get("ghost"));
    expect(reads).toHaveLength(2);
    expect(connections.sizes.unknown).toBe(0);
    const remembering = store(missing, { unknownTtlMs: 1_000 });
    await failure(remembering.connections.get("ghost"));
    expect(await failure(remembering.connections.get("ghost"))).toMatchObject({
      message: "no connection ghost",
    });
    expect(remembering.reads).toHaveLength(1);
    expect(remembering.connections.sizes.unknown).toBe(1);
  });

  it("a failed re-read drops the connection it had: the next request reads again", async () => {
    let fail = false;
    const { connections, reads } = store(
      async () => {
        if (fail) throw new Error("down");
        return feishu();
      },
      { ttlMs: 1 },
    );
    await connections.get("a");
    await new Promise((r) => setTimeout(r, 5));
    fail = true;
    await failure(connections.get("a"));
    fail = false;
    await connections.get("a");
    expect(reads).toHaveLength(3);
    expect(connections.sizes.loaded).toBe(1);
  });
});

describe("ConnectionStore: what a valid secret is", () => {
  it("refuses a secret that is not JSON, naming the connection and nothing of the value", async () => {
    const error = await failure(store(async () => "appSecret=fs-secret-value").connections.get("a"));
    expect(error).toMatchObject({
      code: "CONFIG_INVALID",
      message: "the secret of connection a is not JSON",
    });
  });

  it("names each invalid field once, and (root) for a value that is no object", async () => {
    const bad = await failure(
      store(async () => JSON.stringify({ provider: "dingtalk", appKey: 1, appSecret: 2 })).connections.get(
        "a",
      ),
    );
    expect(bad.message).toBe("the secret of connection a is not a valid connection (appKey, appSecret)");
    const root = await failure(store(async () => "42").connections.get("a"));
    expect(root.message).toBe("the secret of connection a is not a valid connection ((root))");
  });

  it("accepts a public https base URL, refuses loopback unless allowed (the sandbox)", async () => {
    const https = feishu({ baseUrl: "https://open.larksuite.com" });
    await expect(store(async () => https).connections.get("a")).resolves.toMatchObject({
      config: { baseUrl: "https://open.larksuite.com" },
    });
    const loopback = feishu({ baseUrl: "http://127.0.0.1:9000" });
    expect(await failure(store(async () => loopback).connections.get("a"))).toMatchObject({
      code: "CONFIG_INVALID",
      message:
        "the secret of connection a is not a valid connection (baseUrl may be a loopback address only in the sandbox)",
    });
    await expect(
      store(async () => loopback, { allowLoopbackBaseUrl: true }).connections.get("a"),
    ).resolves.toMatchObject({ config: { baseUrl: "http://127.0.0.1:9000" } });
    const invalid = await failure(
      store(async () => loopback, { allowLoopbackBaseUrl: false }).connections.get("a"),
    );
    expect(invalid.code).toBe("CONFIG_INVALID");
  });

  it("an invalid secret is not kept: the next request reads it again", async () => {
    let secret = "not json";
    const { connections, reads } = store(async () => secret);
    await failure(connections.get("a"));
    secret = feishu();
    await expect(connections.get("a")).resolves.toMatchObject({ id: "a" });
    expect(reads).toHaveLength(2);
  });
});

describe("ConnectionStore.withClient", () => {
  it("reads the secret again only when upstream rejected the credentials", async () => {
    const { connections, reads } = store(async () => feishu());
    const loaded = await connections.get("a");
    for (const code of ["UPSTREAM_UNAVAILABLE", "USER_NOT_FOUND", "PROVIDER_PERMISSION_DENIED"] as const) {
      const other = new DirgateError(code, "m");
      expect(await failure(connections.withClient(loaded, async () => Promise.reject(other)))).toBe(other);
    }
    const crash = new Error("crash");
    expect(await failure(connections.withClient(loaded, async () => Promise.reject(crash)))).toBe(crash);
    expect(reads).toHaveLength(1);
  });

  it("runs the call again with the new client when the secret changed, and its failure is the answer", async () => {
    let secret = feishu();
    const { connections } = store(async () => secret);
    const loaded = await connections.get("a");
    secret = feishu({ appSecret: "rotated-value" });
    const clients: unknown[] = [];
    const second = new DirgateError("UPSTREAM_UNAVAILABLE", "down");
    const error = await failure(
      connections.withClient(loaded, async (client) => {
        clients.push(client);
        throw clients.length === 1 ? new DirgateError("UPSTREAM_AUTH_FAILED", "bad") : second;
      }),
    );
    expect(error).toBe(second);
    expect(clients).toHaveLength(2);
    expect(clients[1]).not.toBe(clients[0]);
    expect(await connections.get("a")).toMatchObject({ secret: feishu({ appSecret: "rotated-value" }) });
  });

  it("hands the deadline on to the re-read", async () => {
    const seen: unknown[] = [];
    const connections = new ConnectionStore({
      reader: {
        read: async (_id, options) => {
          seen.push(options);
          return feishu();
        },
      },
      prefix: "p",
      ttlMs: 60_000,
      max: 1,
      unknownTtlMs: 0,
      createClient: () => ({}) as ProviderClient,
    });
    const loaded = await connections.get("a");
    await failure(
      connections.withClient(
        loaded,
        async () => Promise.reject(new DirgateError("UPSTREAM_AUTH_FAILED", "x")),
        {
          deadline: 99,
        },
      ),
    );
    expect(seen).toEqual([{}, { deadline: 99 }]);
  });
});
