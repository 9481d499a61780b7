import { inspect } from "node:util";
import { DEMO_CREDENTIALS, demoSecretValues, FAULT_KINDS, WECOM_DEMO_CREDENTIALS } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { demoClient, testDeps, thrownErrors } from "../helpers/clients.ts";
import { useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();

/** Every way an error could reach a caller or a log. */
function serialise(error: unknown): string {
  return [
    JSON.stringify(error),
    String(error),
    (error as Error)?.stack ?? "",
    inspect(error, { depth: 10, showHidden: true }),
  ].join("\n");
}

describe("errors carry no token or secret", () => {
  it("holds for every fault, every provider, bad credentials and bad input", async () => {
    const scenarios: Record<string, () => Promise<unknown>> = {};
    const clients = {
      dingtalk: () => demoClient(sbx.current, "demo-dingtalk", testDeps({ maxAttempts: 1 }).deps),
      legacy: () => demoClient(sbx.current, "demo-dingtalk-legacy", testDeps({ maxAttempts: 1 }).deps),
      feishu: () => demoClient(sbx.current, "demo-feishu", testDeps({ maxAttempts: 1 }).deps),
      eiam: () => demoClient(sbx.current, "demo-eiam", testDeps({ maxAttempts: 1 }).deps),
      wecom: () => demoClient(sbx.current, "demo-wecom", testDeps({ maxAttempts: 1 }).deps),
      wecomContacts: () => demoClient(sbx.current, "demo-wecom-contacts", testDeps({ maxAttempts: 1 }).deps),
    };
    const emulators = {
      dingtalk: sbx.current.dingtalk.emulator,
      legacy: sbx.current.dingtalk.emulator,
      feishu: sbx.current.feishu.emulator,
      eiam: sbx.current.eiam.emulator,
      wecom: sbx.current.wecom.emulator,
      wecomContacts: sbx.current.wecom.emulator,
    };
    const lookups = {
      dingtalk: (c: ReturnType<typeof demoClient>) => c.userByMobile({ mobile: "13800138000" }),
      legacy: (c: ReturnType<typeof demoClient>) => c.userById({ userId: "zhangsan" }),
      feishu: (c: ReturnType<typeof demoClient>) =>
        c.departmentUsers({ departmentId: "od-5caa30529e8feabe141512b5c3c7153a" }),
      eiam: (c: ReturnType<typeof demoClient>) => c.userByMobile({ mobile: "15204130007" }),
      // user/get, not getuserid: a 45009 there would pause that lookup for the rest of the file.
      wecom: (c: ReturnType<typeof demoClient>) => c.userById({ userId: "zhangsan" }),
      wecomContacts: (c: ReturnType<typeof demoClient>) => c.departmentUsers({ departmentId: "11" }),
    };
    for (const provider of ["dingtalk", "legacy", "feishu", "eiam", "wecom", "wecomContacts"] as const) {
      for (const kind of FAULT_KINDS) {
        scenarios[`${provider}:${kind}`] = async () => {
          const client = clients[provider]();
          await lookups[provider](client).catch(() => {}); // warm the token so the fault hits the lookup
          emulators[provider].addFault({ kind, count: 3 });
          await lookups[provider](client);
        };
      }
      scenarios[`${provider}:revoked-twice`] = async () => {
        const client = clients[provider]();
        await lookups[provider](client);
        emulators[provider].addFault({ kind: "revokeToken", count: 5 });
        await lookups[provider](client);
      };
    }
    scenarios["dingtalk:bad-secret"] = () =>
      demoClient(sbx.current, "demo-dingtalk", testDeps().deps, { appSecret: "leak-me-dt" }).userById({
        userId: "a",
      });
    scenarios["feishu:bad-secret"] = () =>
      demoClient(sbx.current, "demo-feishu", testDeps().deps, { appSecret: "leak-me-fs" }).userById({
        userId: "a",
      });
    scenarios["eiam:bad-secret"] = () =>
      demoClient(sbx.current, "demo-eiam", testDeps().deps, { clientSecret: "leak-me-ei" }).userById({
        userId: "a",
      });
    scenarios["eiam:bad-secret-form"] = () =>
      demoClient(sbx.current, "demo-eiam", testDeps().deps, {
        clientSecret: "leak-me-ei2",
        clientAuth: "form",
      }).userById({ userId: "a" });
    scenarios["wecom:bad-secret"] = () =>
      demoClient(sbx.current, "demo-wecom", testDeps().deps, { corpSecret: "leak-me-wc" }).userById({
        userId: "a",
      });
    scenarios["wecom:bad-corp"] = () =>
      demoClient(sbx.current, "demo-wecom", testDeps().deps, { corpId: "wwleakme0000001" }).userById({
        userId: "a",
      });
    scenarios["wecom:untrusted-ip"] = async () => {
      sbx.current.wecom.setApp(WECOM_DEMO_CREDENTIALS.app.name, { trustedIps: ["203.0.113.7"] });
      await clients.wecom().userById({ userId: "zhangsan" });
    };
    scenarios["wecom:injection"] = () => clients.wecom().userById({ userId: "x&access_token=t-stolen" });
    scenarios["wecom:unreachable"] = () =>
      demoClient(sbx.current, "demo-wecom", testDeps().deps, { baseUrl: "http://127.0.0.1:9" }).userById({
        userId: "a",
      });
    // The lookups' pause (lookup-budget.ts) must not carry the token either. It lasts 60 s: no later
    // scenario looks a WeCom user up by mobile.
    scenarios["wecom:lookup-banned"] = async () => {
      sbx.current.wecom.emulator.addFault({ kind: "rateLimited", count: 3, path: "/cgi-bin/user/getuserid" });
      await clients
        .wecom()
        .userByMobile({ mobile: "13800138000" })
        .catch(() => {});
      await clients.wecom().userByMobile({ mobile: "13800138000" });
    };
    scenarios["dingtalk:unreachable"] = () =>
      demoClient(sbx.current, "demo-dingtalk", testDeps().deps, { baseUrl: "http://127.0.0.1:9" }).userById({
        userId: "a",
      });
    scenarios["feishu:injection"] = () => clients.feishu().userById({ userId: "x?access_token=t-stolen" });
    scenarios["mobile:invalid"] = () => clients.dingtalk().userByMobile({ mobile: "call me" });

    const failures: string[] = [];
    for (const [name, run] of Object.entries(scenarios)) {
      sbx.current.reset();
      await run().catch(() => {});
      const tokens = [
        ...sbx.current.dingtalk.issuedTokens(),
        ...sbx.current.feishu.issuedTokens(),
        ...sbx.current.wecom.issuedTokens(),
        ...sbx.current.eiam.issuedTokens(),
      ];
      const secrets = [
        ...demoSecretValues(),
        "leak-me-dt",
        "leak-me-fs",
        "leak-me-ei",
        "leak-me-ei2",
        "leak-me-wc",
        Buffer.from(`${DEMO_CREDENTIALS.eiam.clientId}:${DEMO_CREDENTIALS.eiam.clientSecret}`).toString(
          "base64",
        ),
      ];
      for (const error of thrownErrors.splice(0)) {
        const text = serialise(error);
        for (const needle of [...tokens, ...secrets])
          if (text.includes(needle)) failures.push(`${name}: ${needle}`);
        if (/access_token=(?!\[REDACTED\])[^&\s"]/.test(text))
          failures.push(`${name}: access_token= in ${text.slice(0, 200)}`);
      }
    }
    expect(Object.keys(scenarios).length).toBeGreaterThan(40);
    expect(failures).toEqual([]);
  });
});
