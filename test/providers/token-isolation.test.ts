import { DirgateError } from "@dirgate/core";
import { DEMO_CREDENTIALS } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { demoClient, testDeps } from "../helpers/clients.ts";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * A token belongs to the credentials that obtained it: the token cache is keyed by a hash of the
 * base URL and the app's credentials, never by the app id alone (audit finding 2). One shared token
 * cache, as in a Lambda container.
 */
const sbx = useSandbox();

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("token cache isolation", () => {
  it("never serves a token to a connection holding the same app id with a wrong secret", async () => {
    const { deps } = testDeps();
    const right = demoClient(sbx.current, "demo-dingtalk", deps);
    const wrong = demoClient(sbx.current, "demo-dingtalk", deps, { appSecret: "not-the-app-secret" });
    // The right secret warms the cache.
    expect((await right.userById({ userId: "zhangsan" })).id).toBe("zhangsan");
    const error = await failure(wrong.userById({ userId: "zhangsan" }));
    expect(error).toBeInstanceOf(DirgateError);
    expect((error as DirgateError).code).toBe("UPSTREAM_AUTH_FAILED");
    // The wrong connection asked for its own token (and was refused); the right one still works.
    expect(sbx.current.dingtalk.emulator.counter("GET /gettoken")).toBe(2);
    expect((await right.userById({ userId: "zhangsan" })).id).toBe("zhangsan");
    expect(deps.tokens.size).toBe(1);
  });

  it("stops a rotated-away secret from working although its app id has a valid token cached", async () => {
    const { deps } = testDeps();
    const { appKey, appSecret } = DEMO_CREDENTIALS.dingtalk;
    const rotated = `${appSecret}-rotated`;
    // The provider's app secret is reset: only the new one is accepted from now on.
    sbx.current.dingtalk.addApp({ appKey, appSecret: rotated });
    try {
      const current = demoClient(sbx.current, "demo-dingtalk", deps, { appSecret: rotated });
      const stale = demoClient(sbx.current, "demo-dingtalk", deps);
      expect((await current.userById({ userId: "zhangsan" })).id).toBe("zhangsan");
      const error = await failure(stale.userById({ userId: "zhangsan" }));
      expect((error as DirgateError)?.code).toBe("UPSTREAM_AUTH_FAILED");
    } finally {
      sbx.current.dingtalk.addApp({ appKey, appSecret });
    }
  });

  it("keys tokens per base URL and credentials for every provider (Feishu, EIAM: wrong secret fails after a warm-up)", async () => {
    const { deps } = testDeps();
    const cases = [
      [
        "demo-feishu",
        { appSecret: "wrong" },
        (c: ReturnType<typeof demoClient>) => c.userById({ userId: "3e3cf96b" }),
      ],
      [
        "demo-eiam",
        { clientSecret: "wrong" },
        (c: ReturnType<typeof demoClient>) => c.userByMobile({ mobile: "15204130007" }),
      ],
    ] as const;
    for (const [connection, patch, lookup] of cases) {
      await lookup(demoClient(sbx.current, connection, deps));
      const error = await failure(lookup(demoClient(sbx.current, connection, deps, patch)));
      expect((error as DirgateError)?.code, connection).toBe("UPSTREAM_AUTH_FAILED");
    }
  });
});
