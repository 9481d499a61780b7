import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import {
  DirgateError,
  inputSchema,
  type Logger,
  type OperationName,
  type OperationRequest,
} from "@dirgate/core";
import { ConnectionConfigSchema, createProviderClient } from "@dirgate/providers";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import type { WeComConnection } from "../../../packages/providers/src/wecom/connection.ts";
import {
  chinaDay,
  isWarnThreshold,
  LookupLedger,
  ledgerKey,
  PAUSE_MS,
  untilChinaMidnight,
  weComLookupLedger,
} from "../../../packages/providers/src/wecom/lookup-budget.ts";
import { testDeps } from "../../helpers/clients.ts";
import { eventSource } from "../../helpers/event-source.ts";
import { apiEvent, invoke } from "../../helpers/lambda.ts";
import { useSandbox } from "../../helpers/sandbox.ts";

/**
 * The daily error budget of getuserid / get_userid_by_email (lookup-budget.ts). The ledger is the
 * container's (it must outlive a client), so each test here works on its own China day.
 */
const sbx = useSandbox();
const em = () => sbx.current.wecom.emulator;
const getuserids = () => em().counter("POST /cgi-bin/user/getuserid");

describe("the ledger", () => {
  const key = "corp\ngetuserid";
  const at = (iso: string) => Date.parse(iso);

  it("knows the China day and its midnight", () => {
    expect(chinaDay(at("2026-03-02T15:59:59Z"))).toBe("2026-03-02");
    expect(chinaDay(at("2026-03-02T16:00:00Z"))).toBe("2026-03-03");
    expect(untilChinaMidnight(at("2026-03-02T15:59:00Z"))).toBe(60_000);
    expect(untilChinaMidnight(at("2026-03-02T16:00:00Z"))).toBe(86_400_000);
  });

  it("warns at 10, 20, 50, 100, 200, 500, 1000… misses", () => {
    const warned = Array.from({ length: 1_200 }, (_, i) => i + 1).filter(isWarnThreshold);
    expect(warned).toEqual([10, 20, 50, 100, 200, 500, 1_000]);
  });

  it("pauses on a 45009, lets one probe through after 60 s, and blocks the day on a second 45009", async () => {
    const ledger = new LookupLedger();
    let now = at("2026-03-02T10:00:00+08:00");
    const ban = new DirgateError("UPSTREAM_RATE_LIMITED", "x", { upstream: { code: "45009" } });
    const first = ledger.admit(key, "getuserid", now);
    const paused = ledger.refused(key, "getuserid", first, now, ban);
    expect(paused).toMatchObject({ retryable: true, retryAfterMs: PAUSE_MS, upstream: { code: "45009" } });
    now += 30_000;
    expect(() => ledger.admit(key, "getuserid", now)).toThrow(/pauses getuserid/);
    now += 30_000;
    const probe = ledger.admit(key, "getuserid", now);
    expect(probe).toEqual({ probe: expect.any(Object) });
    // While the probe is out, the others wait for its answer instead of calling.
    const waiting = ledger.admit(key, "getuserid", now);
    expect(waiting).toEqual({ wait: expect.any(Promise) });
    const blocked = ledger.refused(key, "getuserid", probe, now, ban);
    if ("probe" in probe) probe.probe?.release();
    await (waiting as { wait: Promise<void> }).wait;
    expect(blocked).toMatchObject({ retryable: false, retryAfterMs: untilChinaMidnight(now) });
    expect(blocked.message).toContain(
      "the corp's daily lookup error budget is spent; lookups resume tomorrow",
    );
    expect(() => ledger.admit(key, "getuserid", at("2026-03-02T23:59:59+08:00"))).toThrow(/resume tomorrow/);
    expect(ledger.admit(key, "getuserid", at("2026-03-03T00:00:00+08:00"))).toEqual({});
  });

  it("clears the pause when the probe is answered; a probe that learnt nothing hands over to the next", () => {
    const ledger = new LookupLedger();
    const now = at("2026-03-02T10:00:00+08:00");
    const ban = new DirgateError("UPSTREAM_RATE_LIMITED", "x", { upstream: { code: "45009" } });
    ledger.refused(key, "getuserid", ledger.admit(key, "getuserid", now), now, ban);
    const lost = ledger.admit(key, "getuserid", now + PAUSE_MS);
    if ("probe" in lost) lost.probe?.release(); // e.g. a timeout: no answer either way
    const next = ledger.admit(key, "getuserid", now + PAUSE_MS);
    expect(next).toEqual({ probe: expect.any(Object) });
    ledger.answered(key, now + PAUSE_MS);
    if ("probe" in next) next.probe?.release();
    expect(ledger.admit(key, "getuserid", now + PAUSE_MS)).toEqual({});
    expect(ledger.miss(key, now)).toBe(1);
    expect(ledger.misses(key, at("2026-03-03T00:00:00+08:00"))).toBe(0);
  });
});

/** A real client whose deps carry a recording logger and a clock the test moves. */
function weComContext(clock: { now: number }) {
  const config = ConnectionConfigSchema.parse(sbx.current.connections["demo-wecom"]) as WeComConnection;
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const record =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) });
  const log: Logger = {
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
  const { deps } = testDeps({ now: () => clock.now });
  const client = createProviderClient("demo-wecom", config, { ...deps, log });
  const run = <N extends OperationName>(name: N, input: OperationRequest<N>) =>
    client.run(name, inputSchema(name).parse(input)) as Promise<{ id: string }>;
  return { run, lines, config };
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: "OK" }) as DirgateError | { code: "OK" },
    (error: DirgateError) => error,
  );

describe("lookups under the budget", () => {
  it("counts wrong attempts per China day and writes a warn line at 10 and 20", async () => {
    const clock = { now: Date.parse("2001-01-01T10:00:00+08:00") };
    const { run, lines, config } = weComContext(clock);
    const items = Array.from({ length: 20 }, (_, i) => ({ mobile: `1300000${String(i).padStart(4, "0")}` }));
    const answer = (await run("usersLookup", { items })) as unknown as { items: { ok: boolean }[] };
    expect(answer.items.every((i) => !i.ok)).toBe(true);
    expect(sbx.current.wecom.lookupMisses("getuserid")).toBe(20);
    expect(weComLookupLedger.misses(ledgerKey(config, "getuserid"), clock.now)).toBe(20);
    const warned = lines.filter((l) => l.message === "WeCom lookup misses today");
    expect(warned.map((l) => l.fields["wecomLookupMissesToday"])).toEqual([10, 20]);
    expect(warned[0]!.fields).toMatchObject({
      connection: "demo-wecom",
      corpId: config.corpId,
      api: "getuserid",
      chinaDay: "2001-01-01",
      note: expect.stringContaining("20 % of its member cap"),
    });
  });

  it("stops calling getuserid for the day once WeCom blocks it: pause, one probe, then tomorrow", async () => {
    sbx.current.wecom.setLimits({ memberCap: 10 }); // a budget of 2 wrong attempts
    const clock = { now: Date.parse("2001-02-01T10:00:00+08:00") };
    const { run, lines } = weComContext(clock);
    const unknown = (n: number) => settle(run("userByMobile", { mobile: `1300000000${n}` }));

    expect((await unknown(1)).code).toBe("USER_NOT_FOUND");
    expect((await unknown(2)).code).toBe("USER_NOT_FOUND");
    const third = await unknown(3);
    expect(third).toMatchObject({
      code: "UPSTREAM_RATE_LIMITED",
      retryable: true,
      retryAfterMs: 60_000,
      upstream: { code: "45009" },
    });
    expect(getuserids()).toBe(3);

    // Paused: refused here, no call; other APIs and the other lookup are not.
    const paused = await settle(run("userByMobile", { mobile: "13800138000" }));
    expect(paused).toMatchObject({ code: "UPSTREAM_RATE_LIMITED", retryable: true });
    expect(getuserids()).toBe(3);
    expect((await run("userById", { userId: "zhangsan" })).id).toBe("zhangsan");
    expect((await run("userByEmail", { email: "demo@mail.com", idsOnly: true })).id).toBe("3e3cf96b");

    // A minute later one probe goes; WeCom still refuses: the budget is spent for the day.
    clock.now += 61_000;
    const blocked = await settle(run("userByMobile", { mobile: "13800138000" }));
    expect(blocked).toMatchObject({
      code: "UPSTREAM_RATE_LIMITED",
      retryable: false,
      retryAfterMs: untilChinaMidnight(clock.now),
      upstream: { code: "45009" },
    });
    expect((blocked as DirgateError).message).toContain(
      "the corp's daily lookup error budget is spent; lookups resume tomorrow",
    );
    expect(getuserids()).toBe(4);

    // The rest of the day: every getuserid refused here, none sent.
    clock.now += 6 * 3_600_000;
    const batch = (await run("usersLookup", {
      items: [{ mobile: "13800138000" }, { mobile: "13900139000" }, { userId: "zhangsan" }],
    })) as unknown as { items: { ok: boolean; error?: { code: string; detail: string } }[] };
    expect(batch.items.map((i) => (i.ok ? "OK" : i.error!.code))).toEqual([
      "UPSTREAM_RATE_LIMITED",
      "UPSTREAM_RATE_LIMITED",
      "OK",
    ]);
    expect(batch.items[0]!.error!.detail).toContain("lookups resume tomorrow");
    expect(getuserids()).toBe(4);
    expect(lines.map((l) => l.message)).toEqual(["WeCom lookup paused", "WeCom lookup blocked for the day"]);

    // Tomorrow (China time) WeCom forgets the misses; so does dirgate.
    sbx.current.wecom.emulator.reset();
    clock.now = Date.parse("2001-02-02T00:00:01+08:00");
    expect((await run("userByMobile", { mobile: "13800138000", idsOnly: true })).id).toBe("zhangsan");
    expect(getuserids()).toBe(2); // the reset also forgot the token: 40014, a new one, the lookup
  });

  it("resumes after the pause when the 45009 was only a minute ban", async () => {
    const clock = { now: Date.parse("2001-03-01T10:00:00+08:00") };
    const { run } = weComContext(clock);
    em().addFault({ kind: "rateLimited", path: "/cgi-bin/user/getuserid" });
    expect(await settle(run("userByMobile", { mobile: "13800138000" }))).toMatchObject({
      code: "UPSTREAM_RATE_LIMITED",
      retryable: true,
    });
    clock.now += 61_000;
    expect((await run("userByMobile", { mobile: "13800138000", idsOnly: true })).id).toBe("zhangsan");
    expect((await run("userByMobile", { mobile: "13900139000", idsOnly: true })).id).toBe("lisi");
    expect(getuserids()).toBe(3);
  });
});

/** Real time is read by the functions: a strike recorded 61 s ago must fall on today (China). */
const nearMidnight = (() => {
  const left = untilChinaMidnight(Date.now());
  return left < 5 * 60_000 || left > 86_400_000 - 2 * 60_000;
})();

describe("the batch and the API once the budget is spent", () => {
  let batchHandler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  let byMobile: (event: unknown, context: Context) => Promise<unknown>;
  beforeAll(async () => {
    const described = sbx.current.describe();
    Object.assign(process.env, {
      DIRGATE_STAGE: "local",
      DIRGATE_SECRET_PREFIX: sbx.current.secretPrefix,
      DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
      DIRGATE_SQS_ENDPOINT: described.sqs.endpoint,
      DIRGATE_RESULTS_QUEUE_URL: described.sqs.resultsQueueUrl,
      DIRGATE_BATCH_CONTAINERS: "1",
      AWS_REGION: described.secretsManager.region,
      AWS_ACCESS_KEY_ID: "sandbox",
      AWS_SECRET_ACCESS_KEY: "sandbox",
      LOG_LEVEL: "SILENT",
    });
    batchHandler = (await import("../../../functions/lookup-batch.ts"))
      .handler as unknown as typeof batchHandler;
    byMobile = (await import("../../../functions/users-by-mobile.ts")).handler as unknown as typeof byMobile;
  });

  it.skipIf(nearMidnight)("makes one probe, then answers every record as a final 429 result", async () => {
    // Prepare: WeCom blocked getuserid, and this container saw its first 45009 a minute ago.
    sbx.current.wecom.setLimits({ memberCap: 10 });
    const { run } = weComContext({ now: Date.now() - 61_000 });
    for (const n of [1, 2, 3]) await settle(run("userByMobile", { mobile: `1310000000${n}` }));
    expect(getuserids()).toBe(3);
    const source = eventSource(sbx.current, batchHandler);
    const records = ["13800138000", "13900139000", "+852 51234567", "13800138000", "13900139000"].map(
      (mobile, i) => ({
        id: `r${i}`,
        connection: "demo-wecom",
        operation: "userByMobile",
        input: { mobile },
      }),
    );
    await source.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: source.queueUrl,
        Entries: records.map((r, i) => ({ Id: String(i), MessageBody: JSON.stringify(r) })),
      }),
    );

    // Act
    const pass = await source.pass();

    // Assess: nothing handed back to SQS, every record a result, one upstream call in all.
    const results = sbx.current.sqs
      .messages("dirgate-results")
      .map((m) => JSON.parse(m.body) as { ok: boolean; error?: { code: string } });
    expect(pass.failed).toEqual([]);
    expect(results).toHaveLength(5);
    expect(results.every((r) => !r.ok && r.error?.code === "UPSTREAM_RATE_LIMITED")).toBe(true);
    expect(getuserids()).toBe(4);

    // The HTTP route says the same: 429, a Retry-After to China midnight, the detail, no call.
    const answer = await invoke(
      byMobile,
      apiEvent("POST", "/v1/connections/demo-wecom/users/by-mobile", { body: { mobile: "13800138000" } }),
    );
    expect(answer.status).toBe(429);
    expect(Number(answer.headers["retry-after"])).toBeGreaterThan(60);
    expect(answer.json.detail).toContain(
      "the corp's daily lookup error budget is spent; lookups resume tomorrow",
    );
    expect(getuserids()).toBe(4);
  });
});
