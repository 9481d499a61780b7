import type { DirectoryUser } from "@dirgate/core";
import type { Person } from "@dirgate/sandbox";
import { describe, expect, it } from "vitest";
import { demoClient } from "../helpers/clients.ts";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * One status vocabulary (DESIGN §3, docs/providers.md "status"): every person of the demo
 * organisation reads the same `status` on every provider that holds them — DingTalk (v2 and the
 * legacy 1.0 API), Feishu, WeCom and EIAM, each read through its own client as the functions read
 * it — and each provider only says what its directory can express.
 */
const sbx = useSandbox();

type Reader = { provider: string; read: (p: Person) => Promise<DirectoryUser> };

/** Statuses each provider's directory can express (docs/providers.md, the status table). */
const EXPRESSIBLE: Record<string, string[]> = {
  dingtalk: ["active", "inactive", "disabled"],
  "dingtalk-legacy": ["active", "inactive"],
  feishu: ["active", "inactive", "frozen", "resigned"],
  wecom: ["active", "inactive", "disabled", "resigned"],
  eiam: ["active", "disabled", "frozen"],
};

function readers(): Reader[] {
  const s = sbx.current;
  const dingtalk = demoClient(s, "demo-dingtalk");
  const legacy = demoClient(s, "demo-dingtalk-legacy");
  const feishu = demoClient(s, "demo-feishu");
  const wecom = demoClient(s, "demo-wecom-contacts");
  const eiam = demoClient(s, "demo-eiam");
  return [
    { provider: "dingtalk", read: (p) => dingtalk.userById({ userId: p.userId }) },
    { provider: "dingtalk-legacy", read: (p) => legacy.userById({ userId: p.userId }) },
    { provider: "feishu", read: (p) => feishu.userById({ userId: p.userId }) },
    { provider: "wecom", read: (p) => wecom.userById({ userId: p.wecomUserId ?? p.userId }) },
    { provider: "eiam", read: (p) => eiam.userById({ userId: p.eiamUserId }) },
  ];
}

/** Runs `work` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

/** What each provider says of each person: a status, or absent when it does not hold them. */
async function readAll(): Promise<{ person: Person; seen: Record<string, string> }[]> {
  const all = readers();
  return pool(sbx.current.org.people, 16, async (person) => {
    const seen: Record<string, string> = {};
    for (const { provider, read } of all) {
      try {
        seen[provider] = (await read(person)).status;
      } catch (error) {
        // Not held (a leaver DingTalk deleted, someone outside a directory or an app's scope).
        const code = (error as { code?: string }).code;
        if (code !== "USER_NOT_FOUND" && code !== "PROVIDER_PERMISSION_DENIED") throw error;
      }
    }
    return { person, seen };
  });
}

describe("one status vocabulary across providers", () => {
  it("every person of the demo org reads the same status on every provider that holds them", async () => {
    const readings = await readAll();
    const disagreements = readings
      .filter(({ seen }) => new Set(Object.values(seen)).size > 1)
      .map(({ person, seen }) => `${person.key} (${person.status}): ${JSON.stringify(seen)}`);
    expect(disagreements).toEqual([]);
    // Everyone is held somewhere, and the whole vocabulary is in use.
    expect(readings.filter(({ seen }) => Object.keys(seen).length === 0).map((r) => r.person.key)).toEqual(
      [],
    );
    const used = new Set(readings.flatMap(({ seen }) => Object.values(seen)));
    expect([...used].sort()).toEqual(["active", "disabled", "frozen", "inactive", "resigned"]);
    // Each provider only says what its directory can express.
    for (const [provider, statuses] of Object.entries(EXPRESSIBLE)) {
      const said = new Set(readings.flatMap(({ seen }) => (seen[provider] ? [seen[provider]] : [])));
      expect(
        [...said].filter((s) => !statuses.includes(s)),
        provider,
      ).toEqual([]);
    }
    // Where several directories hold a person, they say what the organisation says.
    for (const { person, seen } of readings) {
      if (Object.keys(seen).length < 2) continue;
      for (const status of Object.values(seen)) expect(status, person.key).toBe(person.status);
    }
  }, 30_000);

  it("the organisation places each state only in directories that show it (the demo org, not a coincidence)", () => {
    const { people } = sbx.current.org;
    const holders = (p: Person) =>
      (["dingtalk", "feishu", "wecom", "eiam"] as const).filter((d) => p.in[d] !== false);
    for (const p of people.filter((x) => x.status === "inactive")) expect(p.in.eiam, p.key).toBe(false);
    for (const p of people.filter((x) => x.status === "disabled")) {
      expect(p.in.feishu, p.key).toBe(false);
      expect(p.in.dingtalk && !p.exclusive, p.key).toBe(false);
    }
    for (const p of people.filter((x) => x.status === "frozen")) {
      expect(p.in.dingtalk, p.key).toBe(false);
      const wecom = p.in.wecom !== false;
      expect(wecom ? holders(p) : [], p.key).toEqual(wecom ? ["wecom"] : []);
    }
    for (const p of people.filter((x) => x.status === "resigned")) {
      expect(p.in.eiam && (p.in.feishu || p.in.wecom !== false), p.key).toBe(false);
    }
  });
});
