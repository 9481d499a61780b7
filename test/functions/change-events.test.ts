import {
  type ChangePipeline,
  createChangePipeline,
  type LambdaHandler,
  startLocalServer,
} from "@dirgate/dev";
import { buildDemoOrg } from "@dirgate/sandbox";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { changePipelineEnv } from "../helpers/changes.ts";
import { useSandbox } from "../helpers/sandbox.ts";

/**
 * Change events end to end, as deployed: the sandbox's providers push their signed, encrypted
 * callbacks (their own implementation, not dirgate's) to the callback function behind the local
 * server; the changes land on the Changes FIFO queue; the change processor re-reads each subject
 * and publishes one normalised event per change on the DirectoryEvents bus.
 */
const sbx = useSandbox();
let pipeline: ChangePipeline;
let processor: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let server: Awaited<ReturnType<typeof startLocalServer>>;
let verified: { provider: string; ok: boolean }[] = [];

beforeAll(async () => {
  pipeline = await createChangePipeline(sbx.current);
  Object.assign(process.env, changePipelineEnv(sbx.current, pipeline));
  const callback = (await import("../../functions/callback.ts")).handler as unknown as LambdaHandler;
  processor = (await import("../../functions/changes.ts")).handler as unknown as typeof processor;
  server = await startLocalServer({ handlers: { callback }, port: 0 });
  // Warm each connection (its secret read) first: the platforms give a URL verification 1 s.
  for (const connection of Object.keys(sbx.current.describe().callbacks)) {
    await fetch(`${server.url}/v1/connections/${connection}/callback`, { method: "POST", body: "{}" });
  }
  verified = await sbx.current.callbacks.setTarget(server.url);
});
beforeEach(() => sbx.current.eventBridge.clearEvents());
afterAll(async () => {
  await sbx.current.callbacks.setTarget(null);
  await server?.close();
});

/** Waits for every push, then lets the processor drain the Changes queue; the bus's events. */
async function settle() {
  await sbx.current.callbacks.idle();
  await pipeline.drain(processor);
  return sbx.current.eventBridge
    .events()
    .filter((r) => r.eventBusName === pipeline.busName)
    .map((r) => r.event);
}

describe("change events", () => {
  it("verified every provider's callback URL (DingTalk check_url, Feishu url_verification, WeCom echostr)", () => {
    expect(
      verified.every((v) => v.ok),
      JSON.stringify(verified),
    ).toBe(true);
    expect(new Set(verified.map((v) => v.provider))).toEqual(new Set(["dingtalk", "feishu", "wecom"]));
  });

  it("one change to a person → one directory.user.updated per connection that pushes it, with the person read again", async () => {
    sbx.current.org.updatePerson("zhangsan", { title: "CTO" });
    const events = await settle();
    const updated = events.filter((e) => e["detail-type"] === "directory.user.updated");
    const byConnection = new Map(updated.map((e) => [(e.detail as { connection: string }).connection, e]));
    expect([...byConnection.keys()].sort()).toEqual([
      "demo-dingtalk",
      "demo-dingtalk-legacy",
      "demo-feishu",
      "demo-wecom-contacts",
    ]);
    for (const event of updated) {
      expect(event.source).toBe("dirgate");
      const detail = event.detail as {
        user?: { title?: string };
        userId: string;
        upstream: { type: string; eventId: string };
      };
      expect(detail.upstream.eventId).toBeTruthy();
      // The re-read profile carries the change (WeCom's contact-sync view has the title too).
      expect(detail.user?.title, JSON.stringify(detail)).toBe("CTO");
    }
    // Every push was acknowledged the way the platform wanted it.
    const pushes = sbx.current.callbacks.deliveries().filter((d) => d.kind === "event");
    expect(
      pushes.every((d) => d.ok),
      JSON.stringify(pushes.filter((d) => !d.ok)),
    ).toBe(true);
  });

  it("a person who leaves → directory.user.deleted without a re-read", async () => {
    // Someone whose leaving changes nobody else (no reports, not a leader): tried on a copy first.
    const person = sbx.current.org.people.find((p) => {
      if (!p.key.startsWith("gen-") || !p.in.dingtalk || !p.in.feishu) return false;
      const copy = buildDemoOrg();
      if (!copy.personByKey.has(p.key)) return false;
      let changes = 0;
      copy.onChange((c: unknown) => {
        changes += Array.isArray(c) ? c.length : 1;
      });
      copy.removePerson(p.key);
      return changes === 1;
    })!;
    sbx.current.org.removePerson(person.key);
    const events = await settle();
    const deleted = events.filter((e) => e["detail-type"] === "directory.user.deleted");
    expect(deleted.length).toBeGreaterThanOrEqual(2);
    for (const event of deleted) expect(event.detail).not.toHaveProperty("user");
  });

  it("a method the provider does not push with → 405 with the methods it does in Allow", async () => {
    for (const [connection, allow] of [
      ["demo-feishu", "POST"],
      ["demo-dingtalk", "POST"],
    ] as const) {
      const answer = await fetch(`${server.url}/v1/connections/${connection}/callback?timestamp=1`);
      expect(answer.status).toBe(405);
      expect(answer.headers.get("allow")).toBe(allow);
      expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(((await answer.json()) as { code: string }).code).toBe("METHOD_NOT_ALLOWED");
    }
  });

  it("a duplicate delivery of the same provider event is published once", async () => {
    sbx.current.callbacks.setKnobs({ duplicateRate: 1 });
    sbx.current.org.updatePerson("manager240", { title: "CTO too" });
    const events = await settle();
    const ids = events.map((e) => (e.detail as { eventId: string }).eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sbx.current.callbacks.deliveries().some((d) => d.duplicate)).toBe(true);
  });
});
