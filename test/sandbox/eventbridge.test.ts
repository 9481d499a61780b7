import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EventBridgeClient,
  type EventBridgeServiceException,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { createEventBridgeEmulator, createSqsEmulator } from "@dirgate/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call } from "../helpers/sandbox.ts";

const sqs = createSqsEmulator();
const events = createEventBridgeEmulator({
  deliverToSqs: (arn, body, options) => sqs.sendToArn(arn, body, options),
});

beforeAll(async () => {
  await sqs.emulator.start();
  await events.emulator.start();
});
beforeEach(() => {
  events.emulator.reset();
  sqs.emulator.reset();
});
afterAll(async () => {
  await events.emulator.stop();
  await sqs.emulator.stop();
});

const client = () =>
  new EventBridgeClient({
    endpoint: events.emulator.baseUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
    maxAttempts: 1,
  });

/** The error a call fails with (the test fails if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<EventBridgeServiceException> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as EventBridgeServiceException,
  );
}

const entry = (detail: object, overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: "dirgate.lookups",
  DetailType: "lookup.completed",
  Detail: JSON.stringify(detail),
  ...overrides,
});

/** A rule on `bus` with one SQS target (a queue of its own), answering the queue's name. */
async function ruleToQueue(
  name: string,
  pattern: object,
  bus?: string,
  target: object = {},
): Promise<string> {
  const queue = `${name}-target`;
  sqs.createQueue(queue);
  await client().send(
    new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), EventBusName: bus }),
  );
  await client().send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: bus,
      Targets: [{ Id: "queue", Arn: sqs.queueArn(queue)!, ...target }],
    }),
  );
  return queue;
}

describe("EventBridge emulator: event buses", () => {
  it("has a default bus, creates, describes, lists by prefix and deletes custom ones", async () => {
    // Act
    const created = await client().send(
      new CreateEventBusCommand({ Name: "dirgate-bus", Description: "lookups" }),
    );
    const described = await client().send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    const defaultBus = await client().send(new DescribeEventBusCommand({}));
    const listed = await client().send(new ListEventBusesCommand({}));
    const prefixed = await client().send(new ListEventBusesCommand({ NamePrefix: "dirgate" }));
    const twice = await failure(client().send(new CreateEventBusCommand({ Name: "dirgate-bus" })));
    const deleteDefault = await failure(client().send(new DeleteEventBusCommand({ Name: "default" })));
    await client().send(new DeleteEventBusCommand({ Name: "dirgate-bus" }));
    const gone = await failure(client().send(new DescribeEventBusCommand({ Name: "dirgate-bus" })));

    // Assess
    expect(created).toMatchObject({
      EventBusArn: "arn:aws:events:us-east-1:000000000000:event-bus/dirgate-bus",
      Description: "lookups",
    });
    expect(described).toMatchObject({ Name: "dirgate-bus", Description: "lookups" });
    expect(described.CreationTime).toBeInstanceOf(Date);
    expect(defaultBus.Arn).toBe("arn:aws:events:us-east-1:000000000000:event-bus/default");
    expect(listed.EventBuses?.map((b) => b.Name)).toEqual(["default", "dirgate-bus"]);
    expect(prefixed.EventBuses?.map((b) => b.Name)).toEqual(["dirgate-bus"]);
    expect([twice.name, twice.message]).toEqual([
      "ResourceAlreadyExistsException",
      "Event bus dirgate-bus already exists.",
    ]);
    expect([deleteDefault.name, deleteDefault.message]).toEqual([
      "ValidationException",
      "Cannot delete event bus default.",
    ]);
    expect([gone.name, gone.message, gone.$metadata.httpStatusCode]).toEqual([
      "ResourceNotFoundException",
      "Event bus dirgate-bus does not exist.",
      400,
    ]);
  });
});

describe("EventBridge emulator: PutEvents", () => {
  it("answers an EventId per entry, or its error code, and counts the failures", async () => {
    // Act
    const out = await client().send(
      new PutEventsCommand({
        Entries: [
          entry({ ok: true }),
          { DetailType: "t", Detail: "{}" },
          { Source: "s", Detail: "{}" },
          { Source: "s", DetailType: "t" },
          entry({}, { Detail: "[1, 2]" }),
          entry({}, { Detail: '"a string"' }),
          entry({}, { Detail: "{not json" }),
        ],
      }),
    );

    // Assess
    expect(out.FailedEntryCount).toBe(6);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries?.slice(1)).toEqual([
      {
        ErrorCode: "InvalidArgument",
        ErrorMessage: "Parameter Source is not valid. Reason: Source is a required argument.",
      },
      {
        ErrorCode: "InvalidArgument",
        ErrorMessage: "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
      },
      {
        ErrorCode: "InvalidArgument",
        ErrorMessage: "Parameter Detail is not valid. Reason: Detail is a required argument.",
      },
      { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
      { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
      { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
    ]);
    expect(events.events()).toHaveLength(1);
  });

  it("refuses more than 10 entries and more than 256 KB of entries as a whole request", async () => {
    // Act
    const eleven = await failure(
      client().send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, (_, i) => entry({ i })) })),
    );
    const big = await failure(
      client().send(
        new PutEventsCommand({
          Entries: [entry({ pad: "x".repeat(132_000) }), entry({ pad: "y".repeat(132_000) })],
        }),
      ),
    );
    const justUnder = await client().send(
      new PutEventsCommand({
        Entries: [entry({ pad: "x".repeat(262_144 - 100) }, { Source: "s", DetailType: "t" })],
      }),
    );

    // Assess
    expect(eleven.name).toBe("ValidationException");
    expect(eleven.$metadata.httpStatusCode).toBe(400);
    expect(eleven.message).toMatch(
      /at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    );
    expect([big.name, big.message]).toEqual([
      "ValidationException",
      "Total size of the entries in the request is over the limit.",
    ]);
    expect(justUnder.FailedEntryCount).toBe(0);
  });

  it("delivers a matching event to an SQS target as EventBridge's envelope, and keeps a record of it", async () => {
    // Prepare
    const queue = await ruleToQueue("lookups-done", {
      source: ["dirgate.lookups"],
      "detail-type": ["lookup.completed"],
    });

    // Act
    const out = await client().send(
      new PutEventsCommand({
        Entries: [
          entry(
            { id: "hr-sync/42", status: "ok" },
            {
              Time: new Date("2026-11-23T08:09:10.987Z"),
              Resources: ["arn:aws:lambda:us-east-1:000000000000:function:x"],
            },
          ),
          entry({ id: "other" }, { Source: "someone.else" }),
        ],
      }),
    );

    // Assess
    const [message, ...rest] = sqs.messages(queue);
    expect(rest).toEqual([]);
    expect(Object.keys(JSON.parse(message!.body))).toEqual([
      "version",
      "id",
      "detail-type",
      "source",
      "account",
      "time",
      "region",
      "resources",
      "detail",
    ]);
    expect(JSON.parse(message!.body)).toEqual({
      version: "0",
      id: out.Entries?.[0]?.EventId,
      "detail-type": "lookup.completed",
      source: "dirgate.lookups",
      account: "000000000000",
      time: "2026-11-23T08:09:10Z",
      region: "us-east-1",
      resources: ["arn:aws:lambda:us-east-1:000000000000:function:x"],
      detail: { id: "hr-sync/42", status: "ok" },
    });
    const records = events.events();
    expect(records.map((r) => [r.event.source, r.matchedRules, r.deliveries.map((d) => d.ok)])).toEqual([
      ["dirgate.lookups", ["lookups-done"], [true]],
      ["someone.else", [], []],
    ]);
    const overHttp = await call(`${events.emulator.baseUrl}/__sandbox/events`);
    expect(overHttp.json.events).toHaveLength(2);
  });

  it("routes by bus, skips disabled rules, and accepts (then drops) events for a bus that does not exist", async () => {
    // Prepare
    await client().send(new CreateEventBusCommand({ Name: "custom" }));
    const onCustom = await ruleToQueue("on-custom", { source: ["dirgate.lookups"] }, "custom");
    const onDefault = await ruleToQueue("on-default", { source: ["dirgate.lookups"] });
    const disabled = await ruleToQueue("disabled", { source: ["dirgate.lookups"] });
    await client().send(new DisableRuleCommand({ Name: "disabled" }));

    // Act
    const out = await client().send(
      new PutEventsCommand({
        Entries: [
          entry({ n: 1 }, { EventBusName: "custom" }),
          entry({ n: 2 }, { EventBusName: "arn:aws:events:us-east-1:000000000000:event-bus/default" }),
          entry({ n: 3 }, { EventBusName: "missing-bus" }),
        ],
      }),
    );

    // Assess
    expect(out.FailedEntryCount).toBe(0);
    expect(sqs.messages(onCustom).map((m) => JSON.parse(m.body).detail)).toEqual([{ n: 1 }]);
    expect(sqs.messages(onDefault).map((m) => JSON.parse(m.body).detail)).toEqual([{ n: 2 }]);
    expect(sqs.messages(disabled)).toEqual([]);
    expect(events.events()[2]).toMatchObject({
      eventBusName: "missing-bus",
      dropped: "event bus missing-bus does not exist",
    });
  });

  it("delivers InputPath and Input instead of the event, and a FIFO queue's group id", async () => {
    // Prepare
    const path = await ruleToQueue("input-path", { source: ["dirgate.lookups"] }, undefined, {
      InputPath: "$.detail",
    });
    const constant = await ruleToQueue("input", { source: ["dirgate.lookups"] }, undefined, {
      Input: '{"fixed":true}',
    });
    sqs.createQueue("events.fifo");
    await client().send(new PutRuleCommand({ Name: "fifo", EventPattern: '{"source":["dirgate.lookups"]}' }));
    await client().send(
      new PutTargetsCommand({
        Rule: "fifo",
        Targets: [
          { Id: "fifo", Arn: sqs.queueArn("events.fifo")!, SqsParameters: { MessageGroupId: "lookups" } },
        ],
      }),
    );

    // Act
    await client().send(new PutEventsCommand({ Entries: [entry({ id: 7 })] }));

    // Assess
    expect(sqs.messages(path).map((m) => m.body)).toEqual(['{"id":7}']);
    expect(sqs.messages(constant).map((m) => m.body)).toEqual(['{"fixed":true}']);
    expect(sqs.messages("events.fifo").map((m) => m.messageGroupId)).toEqual(["lookups"]);
  });
});

describe("EventBridge emulator: rules and targets", () => {
  it("puts, describes and lists rules; refuses to delete a rule with targets; removes targets", async () => {
    // Prepare
    const pattern = '{"source":["dirgate.lookups"]}';
    const put = await client().send(
      new PutRuleCommand({ Name: "r1", EventPattern: pattern, Description: "d" }),
    );
    await client().send(new PutRuleCommand({ Name: "r2", EventPattern: pattern }));
    await client().send(new PutRuleCommand({ Name: "other", EventPattern: pattern }));
    await client().send(
      new PutTargetsCommand({
        Rule: "r1",
        Targets: [{ Id: "t", Arn: "arn:aws:sqs:us-east-1:000000000000:q" }],
      }),
    );

    // Act
    const described = await client().send(new DescribeRuleCommand({ Name: "r1" }));
    const listed = await client().send(new ListRulesCommand({ NamePrefix: "r" }));
    const paged = await client().send(new ListRulesCommand({ Limit: 2 }));
    const targets = await client().send(new ListTargetsByRuleCommand({ Rule: "r1" }));
    const withTargets = await failure(client().send(new DeleteRuleCommand({ Name: "r1" })));
    await client().send(new RemoveTargetsCommand({ Rule: "r1", Ids: ["t"] }));
    await client().send(new DeleteRuleCommand({ Name: "r1" }));
    const deleted = await failure(client().send(new DescribeRuleCommand({ Name: "r1" })));
    const noBus = await failure(client().send(new ListRulesCommand({ EventBusName: "nope" })));

    // Assess
    expect(put.RuleArn).toBe("arn:aws:events:us-east-1:000000000000:rule/r1");
    expect(described).toMatchObject({
      Name: "r1",
      Arn: put.RuleArn,
      EventPattern: pattern,
      State: "ENABLED",
      Description: "d",
      EventBusName: "default",
      CreatedBy: "000000000000",
    });
    expect(listed.Rules?.map((r) => r.Name)).toEqual(["r1", "r2"]);
    expect(paged.Rules?.map((r) => r.Name)).toEqual(["other", "r1"]);
    expect(paged.NextToken).toBeDefined();
    expect(targets.Targets).toEqual([{ Id: "t", Arn: "arn:aws:sqs:us-east-1:000000000000:q" }]);
    expect([withTargets.name, withTargets.message]).toEqual([
      "ValidationException",
      "Rule can't be deleted since it has targets.",
    ]);
    expect([deleted.name, deleted.message]).toEqual([
      "ResourceNotFoundException",
      "Rule r1 does not exist on EventBus default.",
    ]);
    expect(noBus.name).toBe("ResourceNotFoundException");
  });

  it("validates patterns as EventBridge does", async () => {
    // Act
    const reasons = await Promise.all(
      [
        '{"source":"x"}',
        '{"source":[]}',
        '["a"]',
        "{not json",
        '{"a":[{"prefix":1}]}',
        '{"a":[{"bogus":1}]}',
      ].map(async (EventPattern) => {
        const error = await failure(client().send(new PutRuleCommand({ Name: "bad", EventPattern })));
        return [error.name, error.message.replace(/^Event pattern is not valid\. Reason: /, "")];
      }),
    );
    const neither = await failure(client().send(new PutRuleCommand({ Name: "none" })));
    const sixTargets = await failure(
      (async () => {
        await client().send(new PutRuleCommand({ Name: "many", EventPattern: '{"source":["s"]}' }));
        await client().send(
          new PutTargetsCommand({
            Rule: "many",
            Targets: Array.from({ length: 6 }, (_, i) => ({
              Id: `t${i}`,
              Arn: "arn:aws:sqs:us-east-1:000000000000:q",
            })),
          }),
        );
      })(),
    );

    // Assess
    expect(reasons.map((r) => r[0])).toEqual(Array(6).fill("InvalidEventPatternException"));
    expect(reasons.map((r) => r[1])).toEqual([
      '"source" must be an object or an array',
      "Empty arrays are not allowed",
      "Filter is not an object",
      expect.any(String),
      "prefix match pattern must be a string",
      "Unrecognized match type bogus",
    ]);
    expect([neither.name, neither.message]).toEqual([
      "ValidationException",
      "Parameter(s) EventPattern or ScheduleExpression must be specified.",
    ]);
    expect(sixTargets.name).toBe("LimitExceededException");
  });
});

describe("EventBridge emulator: event pattern matching", () => {
  const event = {
    version: "0",
    id: "1",
    "detail-type": "lookup.completed",
    source: "dirgate.lookups",
    account: "000000000000",
    time: "2026-11-23T08:09:10Z",
    region: "us-east-1",
    resources: ["arn:aws:lambda:us-east-1:000000000000:function:users-by-mobile"],
    detail: {
      provider: "dingtalk",
      status: "ok",
      attempts: 3,
      latencyMs: 120.5,
      cached: false,
      error: null,
      "state.code": "done",
      user: { id: "zhangsan", mobile: { countryCode: "86" } },
      tags: ["hr", "sync"],
      ip: "10.1.2.3",
      file: "/exports/2026/users.csv",
    },
  };
  const test = async (pattern: object) =>
    (
      await client().send(
        new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) }),
      )
    ).Result;

  it.each([
    ["exact value", { source: ["dirgate.lookups"] }, true],
    ["exact value, other", { source: ["other"] }, false],
    ["any of an array", { detail: { provider: ["feishu", "dingtalk"] } }, true],
    ["number", { detail: { attempts: [3] } }, true],
    ["number is not a string", { detail: { attempts: ["3"] } }, false],
    ["boolean", { detail: { cached: [false] } }, true],
    ["null", { detail: { error: [null] } }, true],
    ["nested detail fields", { detail: { user: { mobile: { countryCode: ["86"] } } } }, true],
    ["dotted keys on either side", { detail: { "user.id": ["zhangsan"], state: { code: ["done"] } } }, true],
    [
      "event array: any element",
      { detail: { tags: ["sync"] }, resources: [{ prefix: "arn:aws:lambda:" }] },
      true,
    ],
    ["prefix", { "detail-type": [{ prefix: "lookup." }] }, true],
    ["prefix, ignoring case", { detail: { provider: [{ prefix: { "equals-ignore-case": "DING" } }] } }, true],
    ["suffix", { detail: { file: [{ suffix: ".csv" }] } }, true],
    ["equals-ignore-case", { detail: { status: [{ "equals-ignore-case": "OK" }] } }, true],
    ["anything-but a value", { detail: { status: [{ "anything-but": "failed" }] } }, true],
    [
      "anything-but a listed value",
      { detail: { provider: [{ "anything-but": ["dingtalk", "feishu"] }] } },
      false,
    ],
    ["anything-but a prefix", { detail: { provider: [{ "anything-but": { prefix: "ding" } }] } }, false],
    ["anything-but matches null", { detail: { error: [{ "anything-but": "x" }] } }, true],
    ["anything-but never matches a missing field", { detail: { missing: [{ "anything-but": "x" }] } }, false],
    ["exists", { detail: { status: [{ exists: true }] } }, true],
    ["exists: false on a missing field", { detail: { missing: [{ exists: false }] } }, true],
    ["exists: false on a present field", { detail: { status: [{ exists: false }] } }, false],
    ["exists only on leaves", { detail: { user: [{ exists: true }] } }, false],
    [
      "numeric range",
      { detail: { attempts: [{ numeric: [">", 0, "<=", 3] }], latencyMs: [{ numeric: ["<", 200] }] } },
      true,
    ],
    ["numeric range, outside", { detail: { attempts: [{ numeric: [">", 3] }] } }, false],
    ["wildcard", { detail: { file: [{ wildcard: "/exports/*/users.csv" }] } }, true],
    ["cidr", { detail: { ip: [{ cidr: "10.0.0.0/8" }] } }, true],
    ["$or", { $or: [{ source: ["nope"] }, { detail: { provider: ["dingtalk"] } }] }, true],
    ["every field must match", { source: ["dirgate.lookups"], detail: { provider: ["feishu"] } }, false],
    ["keys are case-sensitive", { Source: ["dirgate.lookups"] }, false],
  ])("%s", async (_name, pattern, expected) => {
    expect(await test(pattern)).toBe(expected);
  });
});
