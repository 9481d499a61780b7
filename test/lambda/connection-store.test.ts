import { DirgateError } from "@dirgate/core";
import { ConnectionStore, type SecretReader } from "@dirgate/lambda";
import type { ProviderClient } from "@dirgate/providers";
import { describe, expect, it } from "vitest";

/** A secret store in memory: answers what `secrets` holds, counts reads, can fail or hang. */
function fakeReader(secrets: Map<string, string>) {
  const reads: string[] = [];
  let failNext = 0;
  let gate: Promise<void> | undefined;
  const reader: SecretReader = {
    async read(secretId) {
      reads.push(secretId);
      if (gate) await gate;
      if (failNext > 0) {
        failNext -= 1;
        throw new DirgateError("UPSTREAM_UNAVAILABLE", "down", { retryable: true });
      }
      const value = secrets.get(secretId);
      if (value === undefined) throw new DirgateError("CONNECTION_NOT_FOUND", "no such connection");
      return value;
    },
  };
  return {
    reader,
    reads,
    failNext: (n: number) => {
      failNext = n;
    },
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => {
        release = r;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

const feishu = (appSecret = "s1") =>
  JSON.stringify({ provider: "feishu", appId: "cli_x", appSecret, baseUrl: "https://open.feishu.cn" });

function store(
  secrets: Map<string, string>,
  options: Partial<ConstructorParameters<typeof ConnectionStore>[0]> = {},
) {
  const fake = fakeReader(secrets);
  const built: string[] = [];
  const connections = new ConnectionStore({
    reader: fake.reader,
    prefix: "p",
    ttlMs: 60_000,
    max: 3,
    unknownTtlMs: 10_000,
    unknownMax: 5,
    createClient: (id, config) => {
      built.push(`${id}:${config.provider}`);
      return { provider: config.provider, connection: id } as ProviderClient;
    },
    ...options,
  });
  return { connections, built, ...fake };
}

describe("ConnectionStore", () => {
  it("reads a secret once for any number of concurrent requests, and builds one client", async () => {
    const { connections, reads, built } = store(new Map([["p/connections/a", feishu()]]));
    const loaded = await Promise.all(Array.from({ length: 20 }, () => connections.get("a")));
    expect(reads).toEqual(["p/connections/a"]);
    expect(built).toEqual(["a:feishu"]);
    expect(new Set(loaded.map((l) => l.client)).size).toBe(1);
  });

  it("never caches a failed read: the next request reads again", async () => {
    const { connections, reads, failNext } = store(new Map([["p/connections/a", feishu()]]));
    failNext(1);
    await expect(connections.get("a")).rejects.toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      message: "the secret store is unavailable",
      retryable: true,
    });
    await expect(connections.get("a")).resolves.toMatchObject({ id: "a" });
    expect(reads).toHaveLength(2);
  });

  it("remembers an unknown id briefly, and forgets it after its time", async () => {
    const secrets = new Map<string, string>();
    const { connections, reads } = store(secrets, { unknownTtlMs: 50 });
    await expect(connections.get("ghost")).rejects.toMatchObject({ code: "CONNECTION_NOT_FOUND" });
    await expect(connections.get("ghost")).rejects.toMatchObject({ code: "CONNECTION_NOT_FOUND" });
    expect(reads).toHaveLength(1);
    secrets.set("p/connections/ghost", feishu());
    await new Promise((r) => setTimeout(r, 80));
    await expect(connections.get("ghost")).resolves.toMatchObject({ id: "ghost" });
  });

  it("stays within its bounds however many distinct ids callers name", async () => {
    const secrets = new Map(Array.from({ length: 50 }, (_, i) => [`p/connections/c${i}`, feishu()]));
    const { connections } = store(secrets);
    for (let i = 0; i < 50; i += 1) await connections.get(`c${i}`);
    for (let i = 0; i < 2_000; i += 1) await connections.get(`unknown-${i}`).catch(() => undefined);
    expect(connections.sizes).toEqual({ loaded: 3, unknown: 5 });
  });

  it("keeps the client while the secret is unchanged after expiry, and replaces it when the secret rotated", async () => {
    const secrets = new Map([["p/connections/a", feishu("s1")]]);
    const { connections, reads, built } = store(secrets, { ttlMs: 30 });
    const first = await connections.get("a");
    await new Promise((r) => setTimeout(r, 50));
    const again = await connections.get("a");
    expect(reads).toHaveLength(2);
    expect(again.client).toBe(first.client);
    secrets.set("p/connections/a", feishu("s2"));
    await new Promise((r) => setTimeout(r, 50));
    const rotated = await connections.get("a");
    expect(rotated.client).not.toBe(first.client);
    expect(built).toEqual(["a:feishu", "a:feishu"]);
  });

  it("re-reads the secret once when upstream rejects the credentials, and retries only if it changed", async () => {
    const secrets = new Map([["p/connections/a", feishu("old")]]);
    const { connections, reads } = store(secrets);
    const loaded = await connections.get("a");
    const rejected = new DirgateError("UPSTREAM_AUTH_FAILED", "bad secret");
    const calls: string[] = [];
    await expect(
      connections.withClient(loaded, async (client) => {
        calls.push(client.connection);
        throw rejected;
      }),
    ).rejects.toBe(rejected);
    expect(calls).toHaveLength(1);
    expect(reads).toHaveLength(2);
    secrets.set("p/connections/a", feishu("new"));
    const answer = await connections.withClient(loaded, async (client) => {
      calls.push(client.connection);
      if (calls.length === 2) throw rejected;
      return "ok";
    });
    expect(answer).toBe("ok");
    expect(reads).toHaveLength(3);
  });

  it("names fields, never values, when a secret fails its schema", async () => {
    const { connections } = store(
      new Map([
        ["p/connections/a", JSON.stringify({ provider: "dingtalk", appKey: 42, appSecret: "s3cr3t" })],
      ]),
    );
    const error = (await connections.get("a").catch((e: unknown) => e)) as DirgateError;
    expect(error).toMatchObject({ code: "CONFIG_INVALID" });
    expect(error.message).toContain("appKey");
    expect(error.message).not.toContain("s3cr3t");
  });

  it("runs nothing in the background: a secret deleted after loading is an answer to the next request", async () => {
    const secrets = new Map([["p/connections/a", feishu()]]);
    const { connections, reads } = store(secrets, { ttlMs: 20 });
    await connections.get("a");
    secrets.delete("p/connections/a");
    await new Promise((r) => setTimeout(r, 60));
    expect(reads).toHaveLength(1); // no refresh while nobody asked
    await expect(connections.get("a")).rejects.toMatchObject({ code: "CONNECTION_NOT_FOUND" });
  });
});
