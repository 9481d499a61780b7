import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../packages/sandbox/src/rng.ts";
import { eventSource } from "../helpers/event-source.ts";
import { useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();
const RATE = 100;
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  const described = sbx.current.describe();
  Object.assign(process.env, {
    DIRGATE_SECRET_PREFIX: sbx.current.secretPrefix,
    DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
    DIRGATE_SQS_ENDPOINT: described.sqs.endpoint,
    DIRGATE_RESULTS_QUEUE_URL: described.sqs.resultsQueueUrl,
    DIRGATE_BATCH_CONTAINERS: "1",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    LOG_LEVEL: "SILENT",
  });
  handler = (await import("../../functions/lookup-batch.ts")).handler as unknown as typeof handler;
});

interface Result {
  id: string | null;
  messageId: string;
  ok: boolean;
  error?: { code: string };
  user?: { id: string };
  items?: unknown[];
}

/** Everything on the results queue so far, parsed. */
function readResults(): Result[] {
  return sbx.current.sqs.messages("dirgate-results").map((m) => JSON.parse(m.body) as Result);
}

/** 1000 lookups: mixed connections and operations, 5 % invalid messages, 5 % unknown users. */
function makeRecords() {
  const rng = createRng(42);
  const org = sbx.current.org;
  const people = org.people.filter(
    (p) => p.status === "active" && p.mobile && !p.exclusive && p.in.dingtalk && p.in.feishu && p.in.eiam,
  );
  const records: { id: string; body: string; kind: "ok" | "invalid" | "unknown" }[] = [];
  for (let i = 0; i < 1000; i += 1) {
    const id = `r-${i}`;
    const roll = rng();
    if (roll < 0.05) {
      const broken = [
        "not json at all",
        JSON.stringify({ connection: "demo-dingtalk", operation: "userById", input: { userId: "zhangsan" } }),
        JSON.stringify({ id, connection: "demo-dingtalk", operation: "deleteUser", input: {} }),
        JSON.stringify({ id, connection: "demo-eiam", operation: "userByMobile", input: { mobile: "abc" } }),
        JSON.stringify({ id, connection: "../other", operation: "userById", input: { userId: "x" } }),
      ][i % 5]!;
      records.push({ id, body: broken, kind: "invalid" });
      continue;
    }
    if (roll < 0.1) {
      const connection = ["demo-dingtalk", "demo-feishu", "demo-eiam"][i % 3]!;
      records.push({
        id,
        body: JSON.stringify({
          id,
          connection,
          operation: "userByMobile",
          input: { mobile: `1300000${String(i).padStart(4, "0")}` },
        }),
        kind: "unknown",
      });
      continue;
    }
    const p = people[Math.floor(rng() * people.length)]!;
    const mobile = `+${p.mobile!.countryCode}${p.mobile!.national}`;
    const choices = [
      { connection: "demo-dingtalk", operation: "userByMobile", input: { mobile } },
      { connection: "demo-dingtalk", operation: "userById", input: { userId: p.userId } },
      { connection: "demo-dingtalk-legacy", operation: "userById", input: { userId: p.userId } },
      { connection: "demo-feishu", operation: "userById", input: { userId: p.userId } },
      { connection: "demo-feishu", operation: "userByMobile", input: { mobile, idsOnly: true } },
      { connection: "demo-eiam", operation: "userByMobile", input: { mobile } },
      {
        connection: "demo-feishu",
        operation: "departmentUsers",
        input: { departmentId: "od-5caa30529e8feabe141512b5c3c7153a", pageSize: 20 },
      },
    ];
    records.push({ id, body: JSON.stringify({ id, ...choices[i % choices.length] }), kind: "ok" });
  }
  return records;
}

describe("lookup-batch: 1000 records, nothing lost", () => {
  it("ends every record exactly once as a result, under the rate limit, through faults and re-deliveries", async () => {
    // Prepare: the sandbox limits each app to R req/s across its APIs; the connections declare the same R.
    sbx.current.setKnobs({ rateLimitPerSecond: RATE, rateLimitScope: "app" });
    for (const id of ["demo-dingtalk", "demo-dingtalk-legacy", "demo-feishu", "demo-eiam"]) {
      sbx.current.secretsManager.putSecret(`dirgate/local/connections/${id}`, {
        ...sbx.current.connections[id],
        rateLimit: { perSecond: RATE },
      });
    }
    for (const [emulator, path] of [
      [sbx.current.dingtalk.emulator, "/topapi/"],
      [sbx.current.dingtalk.emulator, "/user/get"],
      [sbx.current.feishu.emulator, "/open-apis/contact/"],
      [sbx.current.eiam.emulator, "/api/v2/tenant/users"],
    ] as const) {
      emulator.addFault({ kind: "http503", rate: 0.05, path });
      emulator.addFault({ kind: "reset", rate: 0.03, path });
      emulator.addFault({ kind: "busy", rate: 0.02, path });
    }
    const records = makeRecords();
    const source = eventSource(sbx.current, handler);
    for (let i = 0; i < records.length; i += 10) {
      await source.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: source.queueUrl,
          Entries: records.slice(i, i + 10).map((r, j) => ({ Id: String(j), MessageBody: r.body })),
        }),
      );
    }

    // Act: the first delivery, then re-deliver whatever was reported failed until nothing is left.
    const first = await source.pass();
    const afterFirst = readResults();
    let passes = 1;
    let failed = first.failed.length;
    while (failed > 0 && passes < 10) {
      failed = (await source.pass()).failed.length;
      passes += 1;
    }

    // Assess
    const results = readResults();
    const byMessage = new Map<string, number>();
    for (const r of results) byMessage.set(r.messageId, (byMessage.get(r.messageId) ?? 0) + 1);
    expect(failed).toBe(0);
    expect(sbx.current.sqs.messages("dirgate-lookups")).toHaveLength(0);
    expect(sbx.current.sqs.messages("dirgate-lookups-dlq")).toHaveLength(0);
    expect(results).toHaveLength(1000);
    expect(byMessage.size).toBe(1000);
    expect([...byMessage.values()].every((n) => n === 1)).toBe(true);

    const withId = new Map(results.filter((r) => r.id).map((r) => [r.id!, r]));
    for (const record of records) {
      const result = withId.get(record.id);
      if (record.kind === "ok") expect(result?.ok, record.id).toBe(true);
      if (record.kind === "unknown") expect(result?.error?.code, record.id).toBe("USER_NOT_FOUND");
    }
    // Permanent failures are results, not retries.
    const firstIds = new Set(afterFirst.map((r) => r.messageId));
    const permanent = results.filter((r) => !r.ok);
    expect(permanent.length).toBe(records.filter((r) => r.kind !== "ok").length);
    // Invalid messages never reach a provider: always answered on the first delivery. An unknown
    // user is too, unless every attempt of its lookup met an injected fault (then it was a retry,
    // correctly): that may happen to a few, never to most (which would mean 404s are retried).
    const kindOf = new Map(records.map((r) => [r.id, r.kind]));
    const retriedFirst = new Set(first.failedMessageIds);
    const late = permanent.filter((r) => !firstIds.has(r.messageId));
    for (const r of late) {
      expect(r.id && kindOf.get(r.id), r.id ?? r.messageId).toBe("unknown");
      expect(retriedFirst.has(r.messageId), r.id ?? r.messageId).toBe(true);
    }
    expect(late.length).toBeLessThanOrEqual(
      Math.ceil(records.filter((r) => r.kind === "unknown").length * 0.2),
    );
    expect(new Set(permanent.map((r) => r.error?.code))).toEqual(
      new Set(["INVALID_REQUEST", "USER_NOT_FOUND"]),
    );

    // The providers never saw a rate-limit error.
    for (const emulator of [
      sbx.current.dingtalk.emulator,
      sbx.current.feishu.emulator,
      sbx.current.eiam.emulator,
    ]) {
      expect(emulator.counter("rateLimited"), emulator.name).toBe(0);
    }
    console.log(
      `lookup-batch: 1000 records, ${passes} passes, first pass left ${first.failed.length} to retry, faults fired ${[
        sbx.current.dingtalk.emulator,
        sbx.current.feishu.emulator,
        sbx.current.eiam.emulator,
      ].reduce(
        (n, e) =>
          n +
          Object.entries(e.countersSnapshot())
            .filter(([k]) => k.startsWith("fault:"))
            .reduce((m, [, v]) => m + v, 0),
        0,
      )}, rate-limited 0`,
    );
  }, 120_000);
});
