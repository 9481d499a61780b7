import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { DemoOrg, OrgChange } from "../org.ts";
import { createRng } from "../rng.ts";

/**
 * The platforms' push side: each demo connection with callback credentials has a channel (how its
 * platform builds, seals and judges), and `CallbackPushers` turns every change of the demo org into
 * those channels' deliveries — to the configured URL, checked as the platform checks the answer,
 * redelivered on the platform's schedule, every attempt recorded.
 */

export type CallbackProvider = "dingtalk" | "feishu" | "wecom";

/** One event a platform sends for a change, before encryption. Redeliveries resend it unchanged. */
export interface BuiltEvent {
  /** DingTalk `eventId`, Feishu `header.event_id`; WeCom sends none: `ChangeType:id:CreateTime`. */
  eventId: string;
  /** DingTalk `EventType`, Feishu `event_type`, WeCom `ChangeType`. */
  type: string;
  /** The decrypted body, exactly as the receiver reads it after decryption. */
  plaintext: string;
  /** What the event names, in the provider's own ids (the first one when it names several). */
  subject: { kind: "user" | "department"; id: string };
}

export interface OutgoingRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What the receiver answered. */
export interface Answer {
  status: number;
  body: string;
}

/** A URL verification request and the platform's check of its answer. */
export interface Handshake {
  /** `check_url`, `url_verification`, `echostr`. */
  type: string;
  request: OutgoingRequest;
  /** Why the platform refuses the answer, or undefined when the URL is verified. */
  judge(answer: Answer): string | undefined;
}

/** How one connection's platform pushes: built by `push/dingtalk.ts`, `push/feishu.ts`, `push/wecom.ts`. */
export interface PushChannel {
  readonly provider: CallbackProvider;
  readonly connection: string;
  /** The platform's deadlines, ms: events, and the URL verification. */
  readonly deadlineMs: { event: number; handshake: number };
  /** Delays before each redelivery after a failed attempt, ms (before `retryScale`). */
  readonly schedule: readonly number[];
  /** The events the platform sends for one org change: none when its directory does not hold the record. */
  eventsFor(change: OrgChange, org: DemoOrg, knobs: CallbackKnobs): BuiltEvent[];
  /** One delivery attempt: a fresh timestamp, nonce and signature over the same event. */
  seal(event: BuiltEvent, url: string, tamper: boolean): OutgoingRequest;
  /** Why the platform counts this answer as a failed push, or undefined when delivered. */
  judge(answer: Answer): string | undefined;
  handshake(url: string, tamper: boolean): Handshake;
}

export interface CallbackKnobs {
  /** Multiplies every redelivery delay (0.001 turns Feishu's 15 s into 15 ms). Default 1. */
  retryScale: number;
  /** Probability (0..1) that a delivered event is sent once more, as platforms sometimes do. Default 0. */
  duplicateRate: number;
  /** Probability (0..1) that an attempt's signature has one byte flipped. Default 0. */
  tamper: number;
  /** WeCom `change_contact` fields: `minimal` (callback URLs set after 2022-08-15, the default) or `full`. */
  wecomFields: "minimal" | "full";
  /**
   * DingTalk payload shape for every DingTalk connection: `current` (documented, with `eventId`) or
   * `legacy` (`UserId`, `TimeStamp`); null (default) = each connection's own.
   */
  dingtalkShape: "current" | "legacy" | null;
  /** Replaces a provider's redelivery schedule (ms, before `retryScale`). */
  schedules: Partial<Record<CallbackProvider, number[]>>;
  /** Replaces a provider's event deadline (ms). */
  deadlines: Partial<Record<CallbackProvider, number>>;
}

export const DEFAULT_CALLBACK_KNOBS: CallbackKnobs = {
  retryScale: 1,
  duplicateRate: 0,
  tamper: 0,
  wecomFields: "minimal",
  dingtalkShape: null,
  schedules: {},
  deadlines: {},
};

/** One HTTP attempt, as the platform saw it. */
export interface Delivery {
  provider: CallbackProvider;
  connection: string;
  kind: "event" | "handshake";
  /** The event's id (see `BuiltEvent.eventId`); null for a URL verification. */
  eventId: string | null;
  type: string;
  /** 1 for the first send of an event, then 2, 3… for redeliveries and duplicates. */
  attempt: number;
  url: string;
  /** The receiver's HTTP status; null when there was none (refused, reset, timeout). */
  status: number | null;
  /** Whether the platform counted it as delivered (or the URL as verified). */
  ok: boolean;
  ms: number;
  /** Why it failed, in the platform's terms. */
  error?: string;
  /** A deliberate second send of an already delivered event (`duplicateRate`). */
  duplicate: boolean;
  /** Sent with a flipped signature byte (`tamper`). */
  tampered: boolean;
  at: string;
}

/** An event the platforms built, and where it stands. */
export interface PushedEvent extends BuiltEvent {
  provider: CallbackProvider;
  connection: string;
  /** `failed`: every attempt failed and no redelivery is left; `dropped`: the target was removed. */
  state: "pending" | "delivered" | "failed" | "dropped";
  attempts: number;
  createdAt: string;
}

/** The result of a URL verification. */
export interface CallbackVerification {
  connection: string;
  provider: CallbackProvider;
  url: string;
  ok: boolean;
  status: number | null;
  ms: number;
  error?: string;
}

export interface SetTargetOptions {
  /** Run the platform's URL verification first; a URL that fails it is not saved (default true). */
  verify?: boolean;
  /** Only these connections (default: every connection with callback credentials). */
  connections?: string[];
}

interface Attempt {
  event: PushedEvent;
  attempt: number;
  duplicate: boolean;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/** `sandbox.callbacks`: the platforms' pushes to the configured callback URLs. */
export class CallbackPushers {
  readonly knobs: CallbackKnobs = structuredClone(DEFAULT_CALLBACK_KNOBS);
  readonly #org: DemoOrg;
  readonly #channels = new Map<string, PushChannel>();
  readonly #targets = new Map<string, string>();
  readonly #seed: number;
  #rng: () => number;
  #deliveries: Delivery[] = [];
  #events: PushedEvent[] = [];
  #timers = new Set<NodeJS.Timeout>();
  #tails = new Map<string, Promise<void>>();
  #pending = 0;
  #waiters: (() => void)[] = [];
  #generation = 0;
  #abort = new AbortController();
  #unsubscribe: (() => void) | undefined;

  constructor(org: DemoOrg, channels: PushChannel[], options: { seed?: number } = {}) {
    this.#org = org;
    for (const channel of channels) this.#channels.set(channel.connection, channel);
    this.#seed = options.seed ?? 7;
    this.#rng = createRng(this.#seed);
    this.#unsubscribe = org.onChange((change) => this.#onChange(change));
  }

  /** The connections that can push, with their providers. */
  connections(): { connection: string; provider: CallbackProvider }[] {
    return [...this.#channels.values()].map((c) => ({ connection: c.connection, provider: c.provider }));
  }

  /** The saved callback URL of each connection that has one. */
  targets(): Record<string, string> {
    return Object.fromEntries(this.#targets);
  }

  /**
   * Points every connection with callback credentials (or `options.connections`) at
   * `${baseUrl}/v1/connections/${connection}/callback`, after the platform's URL verification
   * (a URL that fails it is not saved, as the consoles refuse it); `null` stops pushing.
   */
  async setTarget(baseUrl: string | null, options: SetTargetOptions = {}): Promise<CallbackVerification[]> {
    const chosen = [...this.#channels.keys()].filter(
      (c) => !options.connections || options.connections.includes(c),
    );
    for (const c of options.connections ?? []) {
      if (!this.#channels.has(c)) throw new Error(`connection ${c} has no callback credentials`);
    }
    const base = baseUrl?.replace(/\/+$/, "") ?? null;
    const results = await Promise.all(
      chosen.map((c) =>
        this.setConnectionTarget(
          c,
          base === null ? null : `${base}/v1/connections/${encodeURIComponent(c)}/callback`,
          options,
        ),
      ),
    );
    return results.filter((r): r is CallbackVerification => r !== undefined);
  }

  /** One connection's callback URL (any URL); verified first unless `verify: false`. */
  async setConnectionTarget(
    connection: string,
    url: string | null,
    options: { verify?: boolean } = {},
  ): Promise<CallbackVerification | undefined> {
    if (!this.#channels.has(connection))
      throw new Error(`connection ${connection} has no callback credentials`);
    if (url === null) {
      this.#targets.delete(connection);
      return undefined;
    }
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
      throw new Error("a callback URL is http(s)");
    if (options.verify === false) {
      this.#targets.set(connection, url);
      return undefined;
    }
    const result = await this.#verify(connection, url);
    if (result.ok) this.#targets.set(connection, url);
    return result;
  }

  /** Runs the URL verification again for the saved targets (all, or one connection's). */
  async verifyCallbackUrl(connection?: string): Promise<CallbackVerification[]> {
    const chosen = [...this.#targets].filter(([c]) => connection === undefined || c === connection);
    return Promise.all(chosen.map(([c, url]) => this.#verify(c, url)));
  }

  /** Every HTTP attempt since the last reset, in order. */
  deliveries(): Delivery[] {
    return this.#deliveries.map((d) => ({ ...d }));
  }

  /** Every event built since the last reset, with its state. */
  events(): PushedEvent[] {
    return this.#events.map((e) => ({ ...e, subject: { ...e.subject } }));
  }

  /**
   * Events the platforms gave up on. For DingTalk this is what `get_call_back_failed_result` /
   * `topapi/callback/failrecord/list` would list: it documents no automatic re-push.
   */
  failed(): PushedEvent[] {
    return this.events().filter((e) => e.state === "failed");
  }

  /** Resolves once no delivery, redelivery or verification is queued, in flight or scheduled. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Changes knobs; unspecified ones keep their value. */
  setKnobs(changes: Partial<CallbackKnobs>): CallbackKnobs {
    for (const [key, value] of Object.entries(changes)) {
      if (!(key in this.knobs) || value === undefined) continue;
      if (key === "retryScale" && !(typeof value === "number" && value >= 0))
        throw new Error("retryScale ≥ 0");
      if (
        (key === "duplicateRate" || key === "tamper") &&
        !(typeof value === "number" && value >= 0 && value <= 1)
      )
        throw new Error(`${key} is a probability (0..1)`);
      (this.knobs as unknown as Record<string, unknown>)[key] = structuredClone(value);
    }
    return structuredClone(this.knobs);
  }

  /** Stops every redelivery and in-flight attempt, forgets deliveries and events, default knobs. Targets stay. */
  reset(): void {
    this.#generation += 1;
    this.#abort.abort();
    this.#abort = new AbortController();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#tails.clear();
    this.#deliveries = [];
    this.#events = [];
    Object.assign(this.knobs, structuredClone(DEFAULT_CALLBACK_KNOBS));
    this.#rng = createRng(this.#seed);
    this.#pending = 0;
    this.#settle();
  }

  /** Resets, forgets the targets and stops listening to the org. */
  stop(): void {
    this.reset();
    this.#targets.clear();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #onChange(change: OrgChange): void {
    // A listener that throws would make the org mutation throw: never let a push do that.
    for (const channel of this.#channels.values()) {
      if (!this.#targets.has(channel.connection)) continue;
      let built: BuiltEvent[];
      try {
        built = channel.eventsFor(change, this.#org, this.knobs);
      } catch (error) {
        process.emitWarning(
          `sandbox callbacks: ${channel.connection} could not build an event: ${String(error)}`,
        );
        continue;
      }
      for (const event of built) {
        const pushed: PushedEvent = {
          ...event,
          provider: channel.provider,
          connection: channel.connection,
          state: "pending",
          attempts: 0,
          createdAt: new Date().toISOString(),
        };
        this.#events.push(pushed);
        this.#enqueue(channel.connection, { event: pushed, attempt: 1, duplicate: false });
      }
    }
  }

  /** Attempts run one at a time per connection, in order, so a receiver sees events as they happened. */
  #enqueue(connection: string, attempt: Attempt): void {
    this.#serially(connection, () => this.#deliver(attempt)).catch((error: unknown) => {
      attempt.event.state = "failed";
      process.emitWarning(`sandbox callbacks: ${connection} could not send an event: ${String(error)}`);
    });
  }

  #serially<T>(connection: string, task: () => Promise<T>): Promise<T | undefined> {
    const generation = this.#generation;
    this.#pending += 1;
    const tail = this.#tails.get(connection) ?? Promise.resolve();
    const run = tail.then(() => (generation === this.#generation ? task() : undefined));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(connection, settled);
    void settled.then(() => this.#done(generation));
    return run;
  }

  #done(generation: number): void {
    if (generation !== this.#generation) return;
    this.#pending -= 1;
    this.#settle();
  }

  #settle(): void {
    if (this.#pending > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  async #deliver({ event, attempt, duplicate }: Attempt): Promise<void> {
    const channel = this.#channels.get(event.connection)!;
    const url = this.#targets.get(event.connection);
    if (url === undefined) {
      if (event.state === "pending") event.state = "dropped";
      return;
    }
    const tampered = this.#rng() < this.knobs.tamper;
    const generation = this.#generation;
    const deadline = this.knobs.deadlines[channel.provider] ?? channel.deadlineMs.event;
    const outcome = await send(channel.seal(event, url, tampered), deadline, this.#abort.signal);
    if (generation !== this.#generation) return;
    const error = outcome.error ?? channel.judge(outcome.answer!);
    event.attempts = Math.max(event.attempts, attempt);
    this.#record({
      provider: channel.provider,
      connection: event.connection,
      kind: "event",
      eventId: event.eventId,
      type: event.type,
      attempt,
      url,
      status: outcome.answer?.status ?? null,
      ok: error === undefined,
      ms: outcome.ms,
      ...(error === undefined ? {} : { error }),
      duplicate,
      tampered,
    });
    if (duplicate) return;
    if (error === undefined) {
      event.state = "delivered";
      if (this.#rng() < this.knobs.duplicateRate) {
        this.#enqueue(event.connection, { event, attempt: attempt + 1, duplicate: true });
      }
      return;
    }
    const schedule = this.knobs.schedules[channel.provider] ?? channel.schedule;
    const delay = schedule[attempt - 1];
    if (delay === undefined) {
      event.state = "failed";
      return;
    }
    this.#pending += 1;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (generation !== this.#generation) return;
      this.#enqueue(event.connection, { event, attempt: attempt + 1, duplicate: false });
      this.#done(generation);
    }, delay * this.knobs.retryScale);
    timer.unref();
    this.#timers.add(timer);
  }

  async #verify(connection: string, url: string): Promise<CallbackVerification> {
    const channel = this.#channels.get(connection)!;
    const result = await this.#serially(connection, async () => {
      const tampered = this.#rng() < this.knobs.tamper;
      const handshake = channel.handshake(url, tampered);
      const outcome = await send(handshake.request, channel.deadlineMs.handshake, this.#abort.signal);
      const error = outcome.error ?? handshake.judge(outcome.answer!);
      const result: CallbackVerification = {
        connection,
        provider: channel.provider,
        url,
        ok: error === undefined,
        status: outcome.answer?.status ?? null,
        ms: outcome.ms,
        ...(error === undefined ? {} : { error }),
      };
      this.#record({
        provider: channel.provider,
        connection,
        kind: "handshake",
        eventId: null,
        type: handshake.type,
        attempt: 1,
        url,
        status: result.status,
        ok: result.ok,
        ms: result.ms,
        ...(error === undefined ? {} : { error }),
        duplicate: false,
        tampered,
      });
      return result;
    });
    // Undefined when a reset came first and the verification never ran.
    return (
      result ?? {
        connection,
        provider: channel.provider,
        url,
        ok: false,
        status: null,
        ms: 0,
        error: "stopped",
      }
    );
  }

  #record(delivery: Omit<Delivery, "at">): void {
    this.#deliveries.push({ ...delivery, at: new Date().toISOString() });
  }
}

interface Outcome {
  answer?: Answer;
  error?: string;
  ms: number;
}

/**
 * One request with the platform's deadline on the whole exchange (answer read to the end). A new
 * connection each time (no keep-alive pool), as a push service calling many tenants would.
 */
function send(req: OutgoingRequest, deadlineMs: number, signal: AbortSignal): Promise<Outcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const url = new URL(req.url);
    const body = req.body === undefined ? undefined : Buffer.from(req.body, "utf8");
    const headers = { ...req.headers, ...(body ? { "content-length": String(body.length) } : {}) };
    const call = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
      method: req.method,
      headers,
      agent: false,
    });
    let finished = false;
    const finish = (outcome: Outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      call.destroy();
      finish({ error: `no answer within ${deadlineMs} ms`, ms: elapsed() });
    }, deadlineMs);
    const onAbort = () => {
      call.destroy();
      finish({ error: "stopped (sandbox reset)", ms: elapsed() });
    };
    signal.addEventListener("abort", onAbort);
    call.on("error", (error: NodeJS.ErrnoException) =>
      finish({ error: `request failed: ${error.code ?? error.message}`, ms: elapsed() }),
    );
    call.on("response", (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      res.on("error", (error: NodeJS.ErrnoException) =>
        finish({ error: `answer broken off: ${error.code ?? error.message}`, ms: elapsed() }),
      );
      res.on("end", () =>
        finish({
          answer: { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") },
          ms: elapsed(),
        }),
      );
    });
    call.end(body);
  });
}
