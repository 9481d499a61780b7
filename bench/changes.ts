import { createChangePipeline, type LambdaHandler, startLocalServer } from "@dirgate/dev";
import {
  callbackHandler,
  callbackMiddlewares,
  changesMiddlewares,
  changesProcessor,
  createEventPublisher,
  createRuntime,
  type EventPublisher,
  readSettings,
} from "@dirgate/lambda";
import { inWeCom, type Sandbox } from "@dirgate/sandbox";
import middy from "@middy/core";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from "aws-lambda";
import { type Figure, functionEnv, percentile, round } from "./lib.ts";

/** How long one change may take to reach the bus before it counts as missing. */
const CHANGE_TIMEOUT_MS = 10_000;

/**
 * Change events, as deployed: the sandbox's platforms push signed callbacks to the callback
 * function behind the local server, which queues them on the Changes FIFO queue; the change
 * processor, fed by a continuous poller (Lambda's event source mapping), re-reads each person and
 * publishes on the bus. `changes` title changes, one at a time: the platforms' acknowledgement
 * latency (what they time against their 1.5–5 s deadlines) and, per change and connection, the time
 * from the change to its event on the bus.
 */
export async function changeFigures(sbx: Sandbox, quick: boolean): Promise<Figure[]> {
  const changes = quick ? 10 : 200;
  sbx.reset();
  const pipeline = await createChangePipeline(sbx);
  const env = functionEnv(sbx, {
    DIRGATE_CHANGES_QUEUE_URL: pipeline.changesQueueUrl,
    DIRGATE_EVENTBRIDGE_ENDPOINT: sbx.describe().eventBridge.endpoint,
    DIRGATE_EVENT_BUS_NAME: pipeline.busName,
  });
  // Two functions, two containers: each its own runtime, as in AWS. No process.env involved.
  const callbackRuntime = createRuntime(readSettings(env));
  const changesRuntime = createRuntime(readSettings(env));

  // When each (connection, title) reached the bus: the real PutEvents, timed when it answered.
  const published = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const realPublish = createEventPublisher(changesRuntime.settings);
  const publish: EventPublisher = async (events, options) => {
    const failed = await realPublish(events, options);
    const now = performance.now();
    events.forEach((e, i) => {
      if (failed.has(i)) return;
      const user = e.detail["user"] as { title?: string } | undefined;
      const key = `${String(e.detail["connection"])}|${user?.title ?? ""}`;
      if (!published.has(key)) published.set(key, now);
      waiters.get(key)?.();
    });
    return failed;
  };

  const callback = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(callbackMiddlewares(callbackRuntime))
    .handler(callbackHandler(callbackRuntime)) as unknown as LambdaHandler;
  const processor = middy<SQSEvent, SQSBatchResponse>()
    .use(changesMiddlewares(changesRuntime))
    .handler(changesProcessor(changesRuntime, publish)) as unknown as (
    event: SQSEvent,
    context: Context,
  ) => Promise<SQSBatchResponse>;

  const server = await startLocalServer({ handlers: { callback }, port: 0 });
  try {
    // Each connection's secret read first: the platforms give a URL verification 1 s.
    for (const connection of Object.keys(sbx.describe().callbacks)) {
      await fetch(`${server.url}/v1/connections/${connection}/callback`, { method: "POST", body: "{}" });
    }
    const verified = await sbx.callbacks.setTarget(server.url);
    const refused = verified.filter((v) => !v.ok);
    if (refused.length > 0) throw new Error(`bench: callback URL not verified: ${JSON.stringify(refused)}`);
    pipeline.start(processor);

    // People every pushing connection holds (DingTalk, Feishu in scope, WeCom), taken in turn.
    const scope = new Set(sbx.org.departments.filter((d) => d.inFeishuScope).map((d) => d.key));
    const people = sbx.org.people.filter(
      (p) =>
        p.status === "active" &&
        p.in.dingtalk &&
        p.in.feishu &&
        inWeCom(p) &&
        p.memberships.some((m) => scope.has(m.deptKey)),
    );
    const run = Date.now().toString(36);
    const latencies: number[] = [];
    let expected = 0;
    let missing = 0;
    const started = performance.now();
    for (let i = 0; i < changes; i += 1) {
      const person = people[i % people.length]!;
      const title = `bench ${run} #${i}`;
      const before = sbx.callbacks.events().length;
      const changed = performance.now();
      sbx.org.updatePerson(person.key, { title });
      const keys = sbx.callbacks
        .events()
        .slice(before)
        .filter((e) => e.subject.kind === "user")
        .map((e) => `${e.connection}|${title}`);
      expected += keys.length;
      await Promise.all(
        keys.map(
          (key) =>
            new Promise<void>((resolve) => {
              const done = () => {
                clearTimeout(timer);
                waiters.delete(key);
                resolve();
              };
              const timer = setTimeout(done, CHANGE_TIMEOUT_MS);
              waiters.set(key, done);
              if (published.has(key)) done();
            }),
        ),
      );
      for (const key of keys) {
        const at = published.get(key);
        if (at === undefined) missing += 1;
        else latencies.push(at - changed);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await sbx.callbacks.idle();

    const pushes = sbx.callbacks.deliveries().filter((d) => d.kind === "event" && !d.duplicate);
    const acks = pushes.filter((d) => d.ok).map((d) => d.ms);
    const failedPushes = pushes.filter((d) => !d.ok);
    const onBus = sbx.eventBridge
      .events()
      .filter(
        (r) =>
          r.eventBusName === pipeline.busName &&
          String((r.event.detail["user"] as { title?: string } | undefined)?.title ?? "").startsWith(
            `bench ${run} `,
          ),
      ).length;
    const ackP99 = percentile(acks, 99);
    return [
      {
        name: `changes: callback ack p50 (${changes} title changes, ${pushes.length} pushes)`,
        value: round(percentile(acks, 50), 2),
        unit: "ms",
        note: "the platforms' own timing of each push (sandbox callbacks.deliveries().ms), local server + callback function",
      },
      {
        name: "changes: callback ack p99",
        value: round(ackP99, 2),
        unit: "ms",
        target: "≤ 50",
        meets: ackP99 <= 50,
      },
      {
        name: "changes: failed pushes",
        value: failedPushes.length,
        unit: "pushes",
        target: "= 0",
        meets: failedPushes.length === 0,
        note: failedPushes.length
          ? `first: ${failedPushes[0]!.connection} ${failedPushes[0]!.error}`
          : undefined,
      },
      {
        name: "changes: change → event on the bus p50",
        value: round(percentile(latencies, 50), 1),
        unit: "ms",
        note: "per change and connection: org.updatePerson → push → Changes FIFO → processor (re-read) → PutEvents answered; changes one at a time",
      },
      {
        name: "changes: change → event on the bus p99",
        value: round(percentile(latencies, 99), 1),
        unit: "ms",
      },
      {
        name: "changes: events on the bus",
        value: onBus,
        unit: "events",
        target: `= ${expected} (one per change and pushing connection)`,
        meets: onBus === expected && missing === 0,
        note: `${missing} not published within ${CHANGE_TIMEOUT_MS / 1000} s; ${round(changes / seconds, 1)} changes/s end to end`,
      },
    ];
  } finally {
    await pipeline.stop();
    await sbx.callbacks.setTarget(null);
    await server.close();
  }
}
