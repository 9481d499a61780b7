import { randomUUID } from "node:crypto";
import {
  type Dialect,
  Emulator,
  type EmulatorRequest,
  parseJsonBody,
  type Reply,
  type Route,
} from "./emulator.ts";

/**
 * Amazon EventBridge emulator speaking the AWS JSON 1.1 protocol (`POST /`, `X-Amz-Target:
 * AWSEvents.<Operation>`), so `@aws-sdk/client-eventbridge` and the `aws events` CLI work against
 * it: event buses (a `default` one always exists), rules with event patterns, targets, and
 * PutEvents delivering matching events to SQS queues (through `deliverToSqs`, in the envelope
 * EventBridge sends). Every event put is kept for tests (`events()`, `GET /__sandbox/events`).
 *
 * Sources: the botocore model `events/2015-10-07`; LocalStack's AWS-validated snapshots
 * (`tests/aws/services/events`) for messages, per-entry error codes and pattern semantics; the
 * EventBridge user guide ("Event patterns", "Content filtering", "Calculating PutEvents event
 * entry size").
 */
export interface EventEnvelope {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** One accepted PutEvents entry and what became of it. */
export interface PutEventRecord {
  eventBusName: string;
  event: EventEnvelope;
  /** Names of the enabled rules whose pattern matched. */
  matchedRules: string[];
  deliveries: { rule: string; targetId: string; arn: string; ok: boolean; error?: string }[];
  /** Why the event went nowhere although PutEvents accepted it (AWS accepts events for unknown buses). */
  dropped?: string;
}

/** Options of a delivery to an SQS target (FIFO queues need a group; the event id deduplicates). */
export interface SqsDeliveryOptions {
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

export interface EventBridgeEmulatorOptions {
  region?: string;
  seed?: number;
  /** Delivers a message to the SQS queue with this ARN; throws when the queue refuses it. */
  deliverToSqs?: (queueArn: string, body: string, options: SqsDeliveryOptions) => unknown;
  /** The clock, in epoch milliseconds (event `time`, bus timestamps). */
  now?: () => number;
}

interface EventBus {
  name: string;
  arn: string;
  description?: string;
  createdAt: number;
  lastModifiedAt: number;
}

type Target = Record<string, unknown> & { Id: string; Arn: string };

interface Rule {
  name: string;
  busName: string;
  arn: string;
  eventPattern?: string;
  matches?: (event: Flat) => boolean;
  scheduleExpression?: string;
  state: string;
  description?: string;
  roleArn?: string;
  targets: Map<string, Target>;
}

/** An event flattened to dotted paths; arrays contribute each element (so they match any-of). */
type Flat = Map<string, unknown[]>;

const ACCOUNT = "000000000000";
const CONTENT_TYPE = "application/x-amz-json-1.1";
const MAX_ENTRIES_BYTES = 262_144;
const NAME_PATTERN = /^[.\-_A-Za-z0-9]{1,64}$/;
const BUS_NAME_PATTERN = /^[/.\-_A-Za-z0-9]{1,256}$/;
const TARGET_ID_PATTERN = /^[.\-_A-Za-z0-9]+$/;
const MAX_TARGETS_PER_RULE = 5;
const SANDBOX_PREFIX = "/__sandbox";

/** An event pattern AWS would refuse; the message follows "Event pattern is not valid. Reason: ". */
export class InvalidEventPatternError extends Error {}

/** Starts nothing: builds an EventBridge emulator; `emulator.start()` listens. */
export function createEventBridgeEmulator(options: EventBridgeEmulatorOptions = {}) {
  const region = options.region ?? "us-east-1";
  const now = options.now ?? Date.now;
  const buses = new Map<string, EventBus>();
  const rules = new Map<string, Rule>();
  const log: PutEventRecord[] = [];

  const awsError = (type: string, message: string, status = 400): Reply => ({
    status,
    headers: { "x-amzn-errortype": type, "content-type": CONTENT_TYPE },
    body: { __type: type, message },
  });
  const ok = (body: unknown): Reply => ({ status: 200, headers: { "content-type": CONTENT_TYPE }, body });
  const validation = (message: string) => awsError("ValidationException", message);
  const busNotFound = (name: string) =>
    awsError("ResourceNotFoundException", `Event bus ${name} does not exist.`);
  const ruleNotFound = (name: string, bus: string) =>
    awsError("ResourceNotFoundException", `Rule ${name} does not exist on EventBus ${bus}.`);

  const busArn = (name: string) => `arn:aws:events:${region}:${ACCOUNT}:event-bus/${name}`;
  const ruleKey = (bus: string, name: string) => `${bus}\u0000${name}`;

  function addDefaultBus(): void {
    const at = now() / 1000;
    buses.set("default", { name: "default", arn: busArn("default"), createdAt: at, lastModifiedAt: at });
  }
  addDefaultBus();

  /** A bus name from a name or an ARN (`…:event-bus/<name>`), `default` when absent. */
  function busName(value: unknown): string {
    if (typeof value !== "string" || value === "") return "default";
    return value.startsWith("arn:") ? (value.split(":event-bus/")[1] ?? value) : value;
  }

  function page<T>(items: T[], input: Record<string, unknown>): { items: T[]; next?: string } | Reply {
    const limit = input["Limit"] ?? 100;
    if (typeof limit !== "number" || limit < 1 || limit > 100) {
      return validation(
        `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100`,
      );
    }
    const start =
      typeof input["NextToken"] === "string"
        ? Number(Buffer.from(input["NextToken"], "base64").toString())
        : 0;
    if (!Number.isInteger(start) || start < 0) return validation("The provided NextToken is not valid.");
    const end = start + limit;
    return {
      items: items.slice(start, end),
      ...(end < items.length ? { next: Buffer.from(String(end)).toString("base64") } : {}),
    };
  }

  const busView = (bus: EventBus) => ({
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description !== undefined ? { Description: bus.description } : {}),
    CreationTime: bus.createdAt,
    LastModifiedTime: bus.lastModifiedAt,
  });

  const ruleView = (rule: Rule) => ({
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
    State: rule.state,
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
    ...(rule.roleArn !== undefined ? { RoleArn: rule.roleArn } : {}),
    EventBusName: rule.busName,
  });

  /** The rule a request names on its bus, or EventBridge's error. */
  function findRule(name: unknown, bus: unknown): Rule | Reply {
    const busNameValue = busName(bus);
    if (!buses.has(busNameValue)) return busNotFound(busNameValue);
    const rule = rules.get(ruleKey(busNameValue, String(name)));
    return rule ?? ruleNotFound(String(name), busNameValue);
  }

  /** The size AWS counts for an entry: 14 bytes for Time, then Source, DetailType, Detail, Resources. */
  function entrySize(entry: Record<string, unknown>): number {
    const bytes = (value: unknown) => (typeof value === "string" ? Buffer.byteLength(value) : 0);
    const resources = Array.isArray(entry["Resources"]) ? (entry["Resources"] as unknown[]) : [];
    return (
      (entry["Time"] !== undefined ? 14 : 0) +
      bytes(entry["Source"]) +
      bytes(entry["DetailType"]) +
      bytes(entry["Detail"]) +
      resources.reduce<number>((n, r) => n + bytes(r), 0)
    );
  }

  function eventTime(value: unknown): string {
    const ms =
      typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : Number.NaN;
    return new Date(Number.isFinite(ms) ? ms : now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /** What a target receives: the event, `Input` verbatim, the `InputPath` part, or an InputTransformer's template. */
  function targetBody(target: Target, event: EventEnvelope): string {
    if (typeof target["Input"] === "string") return target["Input"];
    if (typeof target["InputPath"] === "string")
      return JSON.stringify(jsonPath(event, target["InputPath"]) ?? null);
    const transformer = target["InputTransformer"] as
      | { InputPathsMap?: Record<string, string>; InputTemplate?: string }
      | undefined;
    if (transformer?.InputTemplate !== undefined) {
      let body = transformer.InputTemplate;
      for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
        const value = jsonPath(event, path);
        body = body
          .split(`<${name}>`)
          .join(typeof value === "string" ? value : JSON.stringify(value ?? null));
      }
      return body.split("<aws.events.event.json>").join(JSON.stringify(event));
    }
    return JSON.stringify(event);
  }

  function deliver(record: PutEventRecord): void {
    const flat = flattenEvent(record.event);
    for (const rule of rules.values()) {
      if (rule.busName !== record.eventBusName || rule.state === "DISABLED" || !rule.matches?.(flat))
        continue;
      record.matchedRules.push(rule.name);
      for (const target of rule.targets.values()) {
        const delivery = {
          rule: rule.name,
          targetId: target.Id,
          arn: target.Arn,
          ok: false,
        } as PutEventRecord["deliveries"][number];
        record.deliveries.push(delivery);
        if (!target.Arn.startsWith("arn:aws:sqs:")) {
          delivery.error = "only SQS targets are emulated";
          continue;
        }
        if (!options.deliverToSqs) {
          delivery.error = "no deliverToSqs configured";
          continue;
        }
        const sqsParameters = target["SqsParameters"] as { MessageGroupId?: string } | undefined;
        try {
          options.deliverToSqs(target.Arn, targetBody(target, record.event), {
            messageGroupId: sqsParameters?.MessageGroupId,
            // A FIFO queue deduplicates EventBridge's retries by the event id.
            messageDeduplicationId: target.Arn.endsWith(".fifo") ? record.event.id : undefined,
          });
          delivery.ok = true;
        } catch (error) {
          // AWS counts a FailedInvocation; the PutEvents caller never hears of it.
          delivery.error = error instanceof Error ? error.message : String(error);
        }
      }
    }
  }

  function putEvent(
    entry: Record<string, unknown>,
  ): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    for (const field of ["Source", "DetailType", "Detail"]) {
      if (typeof entry[field] !== "string" || entry[field] === "") {
        return {
          ErrorCode: "InvalidArgument",
          ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
        };
      }
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry["Detail"] as string);
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== "object" || Array.isArray(detail)) {
      return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
    }
    const event: EventEnvelope = {
      version: "0",
      id: randomUUID(),
      "detail-type": entry["DetailType"] as string,
      source: entry["Source"] as string,
      account: ACCOUNT,
      time: eventTime(entry["Time"]),
      region,
      resources: Array.isArray(entry["Resources"]) ? (entry["Resources"] as string[]) : [],
      detail: detail as Record<string, unknown>,
    };
    const name = busName(entry["EventBusName"]);
    const record: PutEventRecord = { eventBusName: name, event, matchedRules: [], deliveries: [] };
    log.push(record);
    if (buses.has(name)) deliver(record);
    else record.dropped = `event bus ${name} does not exist`;
    return { EventId: event.id };
  }

  const operations: Record<string, (input: Record<string, unknown>) => Reply> = {
    CreateEventBus(input) {
      const name = input["Name"];
      if (typeof name !== "string" || !BUS_NAME_PATTERN.test(name)) {
        return validation(
          `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+`,
        );
      }
      if (buses.has(name))
        return awsError("ResourceAlreadyExistsException", `Event bus ${name} already exists.`);
      const at = now() / 1000;
      const description = typeof input["Description"] === "string" ? input["Description"] : undefined;
      buses.set(name, { name, arn: busArn(name), description, createdAt: at, lastModifiedAt: at });
      return ok({
        EventBusArn: busArn(name),
        ...(description !== undefined ? { Description: description } : {}),
      });
    },
    DescribeEventBus(input) {
      const bus = buses.get(busName(input["Name"]));
      return bus ? ok(busView(bus)) : busNotFound(busName(input["Name"]));
    },
    ListEventBuses(input) {
      const prefix = typeof input["NamePrefix"] === "string" ? input["NamePrefix"] : "";
      const all = [...buses.values()]
        .filter((b) => b.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name));
      const result = page(all, input);
      if ("status" in result) return result;
      return ok({
        EventBuses: result.items.map(busView),
        ...(result.next ? { NextToken: result.next } : {}),
      });
    },
    DeleteEventBus(input) {
      const name = busName(input["Name"]);
      if (name === "default") return validation("Cannot delete event bus default.");
      if (!buses.has(name)) return busNotFound(name);
      buses.delete(name);
      for (const [key, rule] of rules) if (rule.busName === name) rules.delete(key);
      return ok({});
    },
    PutEvents(input) {
      const entries = input["Entries"];
      if (!Array.isArray(entries) || entries.length === 0) {
        return validation(
          "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
        );
      }
      if (entries.length > 10) {
        return validation(
          `1 validation error detected: Value '[${entries.length} entries]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10`,
        );
      }
      const size = (entries as Record<string, unknown>[]).reduce((n, e) => n + entrySize(e), 0);
      if (size > MAX_ENTRIES_BYTES)
        return validation("Total size of the entries in the request is over the limit.");
      const results = (entries as Record<string, unknown>[]).map(putEvent);
      return ok({
        FailedEntryCount: results.filter((r) => "ErrorCode" in r).length,
        Entries: results,
      });
    },
    PutRule(input) {
      const name = input["Name"];
      if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
        return validation(
          `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
        );
      }
      const bus = busName(input["EventBusName"]);
      if (!buses.has(bus)) return busNotFound(bus);
      const pattern = typeof input["EventPattern"] === "string" ? input["EventPattern"] : undefined;
      const schedule =
        typeof input["ScheduleExpression"] === "string" ? input["ScheduleExpression"] : undefined;
      if (pattern === undefined && schedule === undefined) {
        return validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
      }
      if (schedule !== undefined && bus !== "default") {
        return validation("ScheduleExpression is supported only on the default event bus.");
      }
      const state = input["State"] ?? "ENABLED";
      if (
        typeof state !== "string" ||
        !["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"].includes(state)
      ) {
        return validation(
          `1 validation error detected: Value '${String(state)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]`,
        );
      }
      let matches: Rule["matches"];
      if (pattern !== undefined) {
        try {
          matches = compileEventPattern(pattern);
        } catch (error) {
          if (!(error instanceof InvalidEventPatternError)) throw error;
          return awsError(
            "InvalidEventPatternException",
            `Event pattern is not valid. Reason: ${error.message}`,
          );
        }
      }
      const key = ruleKey(bus, name);
      const arn = `arn:aws:events:${region}:${ACCOUNT}:rule/${bus === "default" ? "" : `${bus}/`}${name}`;
      rules.set(key, {
        name,
        busName: bus,
        arn,
        eventPattern: pattern,
        matches,
        scheduleExpression: schedule,
        state,
        description: typeof input["Description"] === "string" ? input["Description"] : undefined,
        roleArn: typeof input["RoleArn"] === "string" ? input["RoleArn"] : undefined,
        targets: rules.get(key)?.targets ?? new Map(),
      });
      return ok({ RuleArn: arn });
    },
    DescribeRule(input) {
      const rule = findRule(input["Name"], input["EventBusName"]);
      if ("status" in rule) return rule;
      return ok({ ...ruleView(rule), CreatedBy: ACCOUNT });
    },
    ListRules(input) {
      const bus = busName(input["EventBusName"]);
      if (!buses.has(bus)) return busNotFound(bus);
      const prefix = typeof input["NamePrefix"] === "string" ? input["NamePrefix"] : "";
      const all = [...rules.values()]
        .filter((r) => r.busName === bus && r.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name));
      const result = page(all, input);
      if ("status" in result) return result;
      return ok({ Rules: result.items.map(ruleView), ...(result.next ? { NextToken: result.next } : {}) });
    },
    DeleteRule(input) {
      const bus = busName(input["EventBusName"]);
      if (!buses.has(bus)) return busNotFound(bus);
      const rule = rules.get(ruleKey(bus, String(input["Name"])));
      if (!rule) return ok({});
      if (rule.targets.size > 0) return validation("Rule can't be deleted since it has targets.");
      rules.delete(ruleKey(bus, rule.name));
      return ok({});
    },
    EnableRule(input) {
      const rule = findRule(input["Name"], input["EventBusName"]);
      if ("status" in rule) return rule;
      rule.state = "ENABLED";
      return ok({});
    },
    DisableRule(input) {
      const rule = findRule(input["Name"], input["EventBusName"]);
      if ("status" in rule) return rule;
      rule.state = "DISABLED";
      return ok({});
    },
    PutTargets(input) {
      const rule = findRule(input["Rule"], input["EventBusName"]);
      if ("status" in rule) return rule;
      const targets = input["Targets"];
      if (!Array.isArray(targets) || targets.length === 0 || targets.length > 10) {
        return validation(
          "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10",
        );
      }
      for (const [i, target] of (targets as Record<string, unknown>[]).entries()) {
        const id = target["Id"];
        if (typeof id !== "string" || !TARGET_ID_PATTERN.test(id)) {
          return validation(
            `1 validation error detected: Value '${String(id)}' at 'targets.${i + 1}.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
          );
        }
        if (id.length > 64) {
          return validation(
            `1 validation error detected: Value '${id}' at 'targets.${i + 1}.member.id' failed to satisfy constraint: Member must have length less than or equal to 64`,
          );
        }
        if (typeof target["Arn"] !== "string" || target["Arn"] === "") {
          return validation(`Parameter Arn of target ${id} is not valid.`);
        }
      }
      const ids = new Set([...rule.targets.keys(), ...(targets as Target[]).map((t) => t.Id)]);
      if (ids.size > MAX_TARGETS_PER_RULE) {
        return awsError(
          "LimitExceededException",
          "The requested resource exceeds the maximum number allowed.",
        );
      }
      for (const target of targets as Target[]) rule.targets.set(target.Id, { ...target });
      return ok({ FailedEntryCount: 0, FailedEntries: [] });
    },
    RemoveTargets(input) {
      const rule = findRule(input["Rule"], input["EventBusName"]);
      if ("status" in rule) return rule;
      for (const id of Array.isArray(input["Ids"]) ? (input["Ids"] as unknown[]) : [])
        rule.targets.delete(String(id));
      return ok({ FailedEntryCount: 0, FailedEntries: [] });
    },
    ListTargetsByRule(input) {
      const rule = findRule(input["Rule"], input["EventBusName"]);
      if ("status" in rule) return rule;
      const result = page([...rule.targets.values()], input);
      if ("status" in result) return result;
      return ok({ Targets: result.items, ...(result.next ? { NextToken: result.next } : {}) });
    },
    TestEventPattern(input) {
      let event: unknown;
      try {
        event = JSON.parse(String(input["Event"]));
      } catch {
        event = undefined;
      }
      if (event === null || typeof event !== "object" || Array.isArray(event)) {
        return validation("Parameter Event is not valid.");
      }
      try {
        return ok({ Result: compileEventPattern(String(input["EventPattern"]))(flattenEvent(event)) });
      } catch (error) {
        if (!(error instanceof InvalidEventPatternError)) throw error;
        return awsError(
          "InvalidEventPatternException",
          `Event pattern is not valid. Reason: ${error.message}`,
        );
      }
    },
  };

  const dialect: Dialect = {
    authenticate(req) {
      const auth = String(req.headers["authorization"] ?? "");
      if (!auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
        return awsError("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
      }
      return { app: auth.slice(28).split("/")[0] ?? "unknown" };
    },
    fault(kind) {
      switch (kind) {
        case "http500":
        case "busy":
          return awsError("InternalException", "An internal error occurred.", 500);
        case "http502":
          return { status: 502, body: "<html><body>502 Bad Gateway</body></html>" };
        case "http503":
          return awsError("ServiceUnavailableException", "Service unavailable.", 503);
        case "malformedJson":
          return {
            status: 200,
            headers: { "content-type": CONTENT_TYPE },
            body: '{"FailedEntryCount":0,"Entr',
          };
        default:
          return awsError("ThrottlingException", "Rate exceeded.");
      }
    },
    rateLimited: () => awsError("ThrottlingException", "Rate exceeded."),
    notFound: () => awsError("UnknownOperationException", "Not Found", 404),
    revokeTokens: () => {},
    reset: () => {
      buses.clear();
      rules.clear();
      log.length = 0;
      addDefaultBus();
    },
  };

  const routes: Route[] = [
    {
      method: "GET",
      pattern: `${SANDBOX_PREFIX}/events`,
      name: "sandbox",
      auth: false,
      handle: () => ({ status: 200, body: { events: log } }),
    },
    {
      method: "DELETE",
      pattern: `${SANDBOX_PREFIX}/events`,
      name: "sandbox",
      auth: false,
      handle: () => {
        log.length = 0;
        return { status: 200, body: { events: [] } };
      },
    },
    {
      method: "POST",
      pattern: "/",
      name: "request",
      auth: true,
      handle(req: EmulatorRequest, ctx) {
        const target = String(req.headers["x-amz-target"] ?? "");
        const name = target.startsWith("AWSEvents.") ? target.slice(10) : "";
        const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
        if (!operation) return awsError("UnknownOperationException", `Unknown operation ${target}`);
        ctx.count(name);
        const input = parseJsonBody(req);
        if (!input) return awsError("SerializationException", "Request body must be a JSON object");
        const reply = operation(input);
        return { ...reply, headers: { ...reply.headers, "x-amzn-requestid": req.requestId } };
      },
    },
  ];

  const emulator = new Emulator({ name: "eventbridge", routes, dialect, seed: options.seed });
  return {
    emulator,
    region,
    /** Every PutEvents entry accepted so far, with the rules it matched and where it went. */
    events: (): PutEventRecord[] => log.map((r) => structuredClone(r)),
    /** Forgets the events put so far. */
    clearEvents(): void {
      log.length = 0;
    },
  };
}

/** Flattens an event to dotted paths (`detail.state`); array elements and nested objects spread. */
export function flattenEvent(event: unknown): Flat {
  const out: Flat = new Map();
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, path);
    } else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
    } else {
      const values = out.get(path);
      if (values) values.push(value);
      else out.set(path, [value]);
    }
  };
  walk(event, "");
  return out;
}

type ValueMatcher = (value: unknown) => boolean;
type FieldMatcher = { exists: boolean } | ValueMatcher;

/**
 * Compiles an EventBridge event pattern into a predicate over a flattened event, or throws
 * InvalidEventPatternError with AWS's reason. Supported: exact values (strings, numbers, booleans,
 * null), arrays (any of), nested objects and dotted keys, `$or`, `prefix`, `suffix` (both also with
 * `equals-ignore-case`), `equals-ignore-case`, `anything-but` (values, lists, `prefix`, `suffix`,
 * `equals-ignore-case`, `wildcard`), `exists`, `numeric`, `wildcard`, `cidr` (IPv4).
 */
export function compileEventPattern(text: string): (event: Flat) => boolean {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch (error) {
    throw new InvalidEventPatternError((error as Error).message);
  }
  if (pattern === null || typeof pattern !== "object" || Array.isArray(pattern)) {
    throw new InvalidEventPatternError("Filter is not an object");
  }
  return compileObject(pattern as Record<string, unknown>, "");
}

function compileObject(pattern: Record<string, unknown>, prefix: string): (event: Flat) => boolean {
  const checks: ((event: Flat) => boolean)[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === "$or") {
      if (
        !Array.isArray(value) ||
        value.length < 2 ||
        value.some((v) => v === null || typeof v !== "object" || Array.isArray(v))
      ) {
        throw new InvalidEventPatternError("Value of $or must be an array of at least two objects");
      }
      const alternatives = value.map((v) => compileObject(v as Record<string, unknown>, prefix));
      checks.push((event) => alternatives.some((alternative) => alternative(event)));
      continue;
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError("Empty arrays are not allowed");
      const matchers = value.map(compileMatcher);
      checks.push((event) => matchField(event.get(path), matchers));
    } else if (value !== null && typeof value === "object") {
      checks.push(compileObject(value as Record<string, unknown>, path));
    } else {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`);
    }
  }
  return (event) => checks.every((check) => check(event));
}

/** A field matches when any matcher does: `exists` looks at the field, the others at each value. */
function matchField(values: unknown[] | undefined, matchers: FieldMatcher[]): boolean {
  const present = values !== undefined && values.length > 0;
  return matchers.some((matcher) =>
    typeof matcher === "function" ? present && values!.some(matcher) : matcher.exists === present,
  );
}

function compileMatcher(element: unknown): FieldMatcher {
  if (element === null || typeof element !== "object") return (value) => value === element;
  if (Array.isArray(element))
    throw new InvalidEventPatternError("Match value must be String, number, true, false, or null");
  const entries = Object.entries(element);
  if (entries.length !== 1) throw new InvalidEventPatternError("Match object must have exactly one operator");
  const [operator, operand] = entries[0]!;
  switch (operator) {
    case "exists":
      if (typeof operand !== "boolean")
        throw new InvalidEventPatternError("exists match pattern must be either true or false.");
      return { exists: operand };
    case "prefix":
    case "suffix":
      return stringMatcher(operator, operand, operator);
    case "equals-ignore-case": {
      if (typeof operand !== "string")
        throw new InvalidEventPatternError("equals-ignore-case match pattern must be a string");
      const lower = operand.toLowerCase();
      return (value) => typeof value === "string" && value.toLowerCase() === lower;
    }
    case "wildcard": {
      if (typeof operand !== "string")
        throw new InvalidEventPatternError("wildcard match pattern must be a string");
      const regex = wildcardRegex(operand);
      return (value) => typeof value === "string" && regex.test(value);
    }
    case "anything-but":
      return anythingBut(operand);
    case "numeric":
      return numericMatcher(operand);
    case "cidr":
      return cidrMatcher(operand);
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${operator}`);
  }
}

/** `prefix`/`suffix` with a string, or with `{"equals-ignore-case": "…"}`. */
function stringMatcher(kind: "prefix" | "suffix", operand: unknown, label: string): ValueMatcher {
  let needle = operand;
  let ignoreCase = false;
  if (needle !== null && typeof needle === "object" && !Array.isArray(needle)) {
    const inner = needle as Record<string, unknown>;
    if (Object.keys(inner).length !== 1 || typeof inner["equals-ignore-case"] !== "string") {
      throw new InvalidEventPatternError(`${label} match pattern must be a string`);
    }
    needle = inner["equals-ignore-case"];
    ignoreCase = true;
  }
  if (typeof needle !== "string")
    throw new InvalidEventPatternError(`${label} match pattern must be a string`);
  const wanted = ignoreCase ? needle.toLowerCase() : needle;
  return (value) => {
    if (typeof value !== "string") return false;
    const text = ignoreCase ? value.toLowerCase() : value;
    return kind === "prefix" ? text.startsWith(wanted) : text.endsWith(wanted);
  };
}

/** `anything-but`: a value, a list of values, or one of `prefix`, `suffix`, `equals-ignore-case`, `wildcard`. */
function anythingBut(operand: unknown): ValueMatcher {
  if (typeof operand === "string" || typeof operand === "number") return (value) => value !== operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new InvalidEventPatternError("Empty arrays are not allowed");
    if (operand.some((v) => typeof v !== "string" && typeof v !== "number")) {
      throw new InvalidEventPatternError("Inside anything but list, start|null|boolean is not supported.");
    }
    return (value) => !operand.includes(value);
  }
  if (operand !== null && typeof operand === "object") {
    const entries = Object.entries(operand);
    if (entries.length === 1) {
      const [operator, inner] = entries[0]!;
      if ((operator === "prefix" || operator === "suffix") && inner === "") {
        throw new InvalidEventPatternError("Null prefix/suffix not allowed");
      }
      if (operator === "prefix" || operator === "suffix") {
        const matcher = stringMatcher(operator, inner, "prefix/suffix");
        return (value) => !matcher(value);
      }
      if (operator === "equals-ignore-case" || operator === "wildcard") {
        const list = Array.isArray(inner) ? inner : [inner];
        if (list.length === 0 || list.some((v) => typeof v !== "string")) {
          throw new InvalidEventPatternError(
            "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
          );
        }
        const matchers = list.map((v) => compileMatcher({ [operator]: v }) as ValueMatcher);
        return (value) => typeof value !== "string" || !matchers.some((m) => m(value));
      }
    }
  }
  throw new InvalidEventPatternError("Value of anything-but must be an array or single string/number value.");
}

function numericMatcher(operand: unknown): ValueMatcher {
  if (!Array.isArray(operand)) throw new InvalidEventPatternError("Value of numeric must be an array.");
  const comparisons: ((n: number) => boolean)[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    const compare: Record<string, (n: number, b: number) => boolean> = {
      "<": (n, b) => n < b,
      "<=": (n, b) => n <= b,
      "=": (n, b) => n === b,
      ">": (n, b) => n > b,
      ">=": (n, b) => n >= b,
    };
    if (typeof op !== "string" || !(op in compare))
      throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${String(op)}`);
    if (typeof bound !== "number") throw new InvalidEventPatternError(`Value of ${op} must be numeric`);
    comparisons.push((n) => compare[op]!(n, bound));
  }
  if (comparisons.length === 0) throw new InvalidEventPatternError("Value of numeric must be an array.");
  return (value) => typeof value === "number" && comparisons.every((c) => c(value));
}

function wildcardRegex(pattern: string): RegExp {
  const consecutive = pattern.indexOf("**");
  if (consecutive >= 0)
    throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${consecutive + 1}`);
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "s");
}

function cidrMatcher(operand: unknown): ValueMatcher {
  if (typeof operand !== "string") throw new InvalidEventPatternError("cidr match pattern must be a string");
  const [address, bits, ...rest] = operand.split("/");
  if (bits === undefined || rest.length > 0)
    throw new InvalidEventPatternError("Malformed CIDR, one '/' required");
  const mask = Number(bits);
  if (!/^\d+$/.test(bits) || mask > 32)
    throw new InvalidEventPatternError("Malformed CIDR, mask bits must be an integer");
  const base = ipv4(address ?? "");
  if (base === undefined) throw new InvalidEventPatternError(`Nonstandard IP address: ${address}`);
  const maskValue = mask === 0 ? 0 : (~0 << (32 - mask)) >>> 0;
  return (value) => {
    const ip = typeof value === "string" ? ipv4(value) : undefined;
    return ip !== undefined && (ip & maskValue) >>> 0 === (base & maskValue) >>> 0;
  };
}

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => ((n << 8) | Number(p)) >>> 0, 0);
}

/** A minimal JSONPath for InputPath/InputPathsMap: `$`, `$.a.b`, `$.a[0]`. */
function jsonPath(event: unknown, path: string): unknown {
  if (path === "$") return event;
  if (!path.startsWith("$.")) return undefined;
  let current: unknown = event;
  for (const token of path
    .slice(2)
    .split(/\.|\[(\d+)\]/)
    .filter((t) => t !== undefined && t !== "")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

export type EventBridgeEmulator = ReturnType<typeof createEventBridgeEmulator>;
