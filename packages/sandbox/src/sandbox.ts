import { createDingTalkEmulator, type DingTalkApp } from "./dingtalk.ts";
import { createEiamEmulator, type EiamClient } from "./eiam.ts";
import type { Emulator, Knobs } from "./emulator.ts";
import { createEventBridgeEmulator } from "./eventbridge.ts";
import { createFeishuEmulator, type FeishuApp } from "./feishu.ts";
import { buildDemoOrg, type DemoOrg } from "./org.ts";
import { type ControlServer, createControlServer } from "./push/control.ts";
import { createDingTalkChannel } from "./push/dingtalk.ts";
import { createFeishuChannel } from "./push/feishu.ts";
import { type CallbackProvider, CallbackPushers, type PushChannel } from "./push/pusher.ts";
import { createWeComChannel } from "./push/wecom.ts";
import { createSecretsManagerEmulator } from "./secrets-manager.ts";
import { createSqsEmulator } from "./sqs.ts";
import { createWeComEmulator, WECOM_DEMO_CREDENTIALS, weComDemoCorp } from "./wecom.ts";

export interface SandboxOptions {
  /** Generated people besides the seed identities (default 300). */
  orgSize?: number;
  /** PRNG seed for the demo organisation and the fault dice. */
  seed?: number;
  /** Secret name prefix; demo connections are `{prefix}/connections/{id}` (default `dirgate/local`). */
  secretPrefix?: string;
  /** Fixed ports (0 or absent = a free port). */
  ports?: Partial<
    Record<
      "dingtalk" | "feishu" | "wecom" | "eiam" | "secretsManager" | "sqs" | "eventBridge" | "control",
      number
    >
  >;
  /** When `ports.control` is taken, listen on a free port instead of failing (`npm run sandbox` does). */
  controlPortFallback?: boolean;
}

/** Demo credentials. They are sandbox-only values, distinctive so that leak tests can look for them. */
export const DEMO_CREDENTIALS = {
  dingtalk: { appKey: "dingsandboxdemo0001", appSecret: "dt-sbx-secret-Zq3Vt8Lr2Nw6Yh1Kc5Pm9Xa4" },
  dingtalkLegacy: { appKey: "dingsandboxlegacy01", appSecret: "dt-sbx-legacy-Fj7Rb2Qs9Gd4Lw8Tn3Hx6Vc1" },
  feishu: { appId: "cli_sbx0demo0a1b2c3d", appSecret: "fs-sbx-secret-Ux5Kq1Wz8Me3Rj7Bt2Ny6Pd9" },
  eiam: { clientId: "sbx-eiam-client-01", clientSecret: "ei-sbx-secret-Hc4Ls9Dv2Xg7Qf1Zk6Wr3Tm8" },
  /** A self-built app created after 2022-06-20: WeCom withholds mobiles, emails, avatars. */
  wecom: { corpId: WECOM_DEMO_CREDENTIALS.corpId, corpSecret: WECOM_DEMO_CREDENTIALS.app.secret },
  /** A self-built app created before 2022-06-20: it still receives mobiles and emails. */
  wecomLegacyApp: {
    corpId: WECOM_DEMO_CREDENTIALS.corpId,
    corpSecret: WECOM_DEMO_CREDENTIALS.legacyApp.secret,
  },
  /** The contact-sync (通讯录同步) secret: the only one allowed user/list_id. */
  wecomContacts: {
    corpId: WECOM_DEMO_CREDENTIALS.corpId,
    corpSecret: WECOM_DEMO_CREDENTIALS.contacts.secret,
  },
} as const;

/**
 * The demo apps' callback credentials (sandbox-only, distinctive: leak tests search for them), in
 * the shape of a connection's `callback` (DESIGN §4). Which connection carries each:
 * - `demo-dingtalk`: DingTalk new-style internal-app event subscription (事件订阅); owner key = the
 *   app key (PROTOCOLS §7.0); the current payload shape, with `eventId`.
 * - `demo-dingtalk-legacy`: the same org's legacy `register_call_back` subscription; owner key = the
 *   corp id (`ownerKey`); the legacy payload shape (`UserId`, `TimeStamp`, no event id). Both apps
 *   receive every change, as two subscribed apps of one org do.
 * - `demo-feishu`: Verification Token and Encrypt Key of the demo app.
 * - `demo-wecom-contacts`: WeCom sends `change_contact` to the 通讯录同步 "接收事件服务器" (成员变更通知
 *   90970); receive id = the corp id. The self-built apps (`demo-wecom`, `demo-wecom-legacy-app`)
 *   have no callback configured.
 */
export const DEMO_CALLBACK_CREDENTIALS = {
  dingtalk: { token: "dtSbxCbToken3Kq8Wm2Zx", aesKey: "dtsbxAescat9ag498dyT5bl5GhcqrGi0qx020vorwNI" },
  dingtalkLegacy: {
    token: "dtSbxLegacyCbTok8Hn4Vr1Qx",
    aesKey: "dtsbxLegacyAes2V0hhP7VYK8uJXmjpN4NPGBXzeX4t",
    ownerKey: "ding0c5a3e7d1f29b846",
  },
  feishu: {
    verificationToken: "fsSbxVerifyTk5Rn1Qv7Hc3Xw9Lm",
    encryptKey: "fs-sbx-encrypt-Gt4Zp8Kc2Wq6Nv1Hy",
  },
  wecom: { token: "wcSbxCbToken7Pd2Jx6Rt", encodingAESKey: "wcsbxAesvVaP3RjdmSlPUxYu3JvQvB7KUdDWdM8TVWz" },
} as const;

/** The demo DingTalk organisation's corp id (`CorpId` in its events, the legacy subscription's owner key). */
export const DINGTALK_DEMO_CORP_ID = DEMO_CALLBACK_CREDENTIALS.dingtalkLegacy.ownerKey;
/** The demo Feishu tenant (`header.tenant_key` in its events). */
export const FEISHU_DEMO_TENANT_KEY = "5f0c8e2a71d3b946";

/**
 * The platforms' push channels of the demo connections that carry callback credentials: what
 * `sandbox.callbacks` pushes with, and what a test re-seals events with (an old clock, a replay).
 */
export function demoPushChannels(): PushChannel[] {
  return [
    createDingTalkChannel({
      connection: "demo-dingtalk",
      appKey: DEMO_CREDENTIALS.dingtalk.appKey,
      corpId: DINGTALK_DEMO_CORP_ID,
      ...DEMO_CALLBACK_CREDENTIALS.dingtalk,
    }),
    createDingTalkChannel({
      connection: "demo-dingtalk-legacy",
      appKey: DEMO_CREDENTIALS.dingtalkLegacy.appKey,
      corpId: DINGTALK_DEMO_CORP_ID,
      ...DEMO_CALLBACK_CREDENTIALS.dingtalkLegacy,
      shape: "legacy",
    }),
    createFeishuChannel({
      connection: "demo-feishu",
      appId: DEMO_CREDENTIALS.feishu.appId,
      tenantKey: FEISHU_DEMO_TENANT_KEY,
      ...DEMO_CALLBACK_CREDENTIALS.feishu,
    }),
    createWeComChannel({
      connection: "demo-wecom-contacts",
      corpId: WECOM_DEMO_CREDENTIALS.corpId,
      ...DEMO_CALLBACK_CREDENTIALS.wecom,
    }),
  ];
}

/** Every secret value the sandbox hands out (leak tests search for each). */
export function demoSecretValues(): string[] {
  const values = Object.values(DEMO_CREDENTIALS).map((c) =>
    "appSecret" in c ? c.appSecret : "clientSecret" in c ? c.clientSecret : c.corpSecret,
  );
  const wecom = WECOM_DEMO_CREDENTIALS;
  const callback = DEMO_CALLBACK_CREDENTIALS;
  return [
    ...new Set([
      ...values,
      wecom.app.secret,
      wecom.legacyApp.secret,
      wecom.contacts.secret,
      wecom.customized.secret,
      callback.dingtalk.token,
      callback.dingtalk.aesKey,
      callback.dingtalkLegacy.token,
      callback.dingtalkLegacy.aesKey,
      callback.feishu.verificationToken,
      callback.feishu.encryptKey,
      callback.wecom.token,
      callback.wecom.encodingAESKey,
    ]),
  ];
}

export const DEMO_CONNECTION_IDS = [
  "demo-dingtalk",
  "demo-dingtalk-legacy",
  "demo-feishu",
  "demo-wecom",
  "demo-wecom-legacy-app",
  "demo-wecom-contacts",
  "demo-eiam",
] as const;

export interface Sandbox {
  org: DemoOrg;
  dingtalk: ReturnType<typeof createDingTalkEmulator>;
  feishu: ReturnType<typeof createFeishuEmulator>;
  wecom: ReturnType<typeof createWeComEmulator>;
  eiam: ReturnType<typeof createEiamEmulator>;
  secretsManager: ReturnType<typeof createSecretsManagerEmulator>;
  sqs: ReturnType<typeof createSqsEmulator>;
  eventBridge: ReturnType<typeof createEventBridgeEmulator>;
  /** Queue names: batch requests, their dead-letter queue, results. */
  queues: { requests: string; deadLetter: string; results: string };
  secretPrefix: string;
  /** Every emulator, for knobs, faults and counters across the board. */
  emulators: Emulator[];
  /** The demo connections' secret values, by connection id. */
  connections: Record<string, Record<string, unknown>>;
  /**
   * The platforms' contact-change callbacks: `setTarget(baseUrl)` makes every connection with
   * callback credentials push to `${baseUrl}/v1/connections/${connection}/callback`.
   */
  callbacks: CallbackPushers;
  /** The control server (`npm run sandbox -- org …` talks to it). */
  control: ControlServer;
  /** What `npm run sandbox` prints: base URLs, credentials and the Secrets Manager endpoint. */
  describe(): SandboxDescription;
  /** Sets knobs on every provider emulator. */
  setKnobs(knobs: Partial<Knobs>): void;
  /**
   * Default knobs, no faults, zero counters, no tokens, exactly the demo secrets; no pending callback
   * (re)deliveries and an empty delivery log (callback targets stay, as the org does).
   */
  reset(): void;
  stop(): Promise<void>;
}

export interface SandboxDescription {
  dingtalk: { baseUrl: string; appKey: string; appSecret: string; legacy: DingTalkApp };
  feishu: { baseUrl: string; appId: string; appSecret: string };
  wecom: {
    baseUrl: string;
    corpId: string;
    corpSecret: string;
    legacyAppSecret: string;
    contactsSecret: string;
  };
  eiam: { baseUrl: string; clientId: string; clientSecret: string };
  secretsManager: {
    endpoint: string;
    region: string;
    prefix: string;
    accessKeyId: string;
    secretAccessKey: string;
  };
  sqs: { endpoint: string; requestsQueueUrl: string; deadLetterQueueUrl: string; resultsQueueUrl: string };
  eventBridge: { endpoint: string; region: string };
  connections: string[];
  /** The control server: org changes and callback targets from outside the process. */
  control: { baseUrl: string };
  /** Connections that push contact changes: provider, callback credentials, current target. */
  callbacks: Record<
    string,
    { provider: CallbackProvider; target: string | null } & Record<string, string | null>
  >;
}

/** Starts every emulator on 127.0.0.1 and preloads the demo connections as secrets. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const org = buildDemoOrg({ size: options.orgSize, seed: options.seed });
  const dingtalkApps: DingTalkApp[] = [DEMO_CREDENTIALS.dingtalk, DEMO_CREDENTIALS.dingtalkLegacy];
  const feishuApps: FeishuApp[] = [DEMO_CREDENTIALS.feishu];
  const eiamClients: EiamClient[] = [DEMO_CREDENTIALS.eiam];
  const dingtalk = createDingTalkEmulator(org, dingtalkApps, { seed: options.seed });
  const feishu = createFeishuEmulator(org, feishuApps, { seed: options.seed });
  const eiam = createEiamEmulator(org, eiamClients, { seed: options.seed });
  const wecom = createWeComEmulator(org, weComDemoCorp(), { seed: options.seed });
  const secretsManager = createSecretsManagerEmulator({ seed: options.seed });
  const sqs = createSqsEmulator({ seed: options.seed });
  const eventBridge = createEventBridgeEmulator({
    seed: options.seed,
    deliverToSqs: (queueArn, body, delivery) => sqs.sendToArn(queueArn, body, delivery),
  });
  const callbacks = new CallbackPushers(org, demoPushChannels(), { seed: options.seed });
  const control = createControlServer(org, callbacks);
  const emulators = [
    dingtalk.emulator,
    feishu.emulator,
    wecom.emulator,
    eiam.emulator,
    secretsManager.emulator,
    sqs.emulator,
    eventBridge.emulator,
  ];
  const ports = options.ports ?? {};
  try {
    await dingtalk.emulator.start(ports.dingtalk);
    await feishu.emulator.start(ports.feishu);
    await wecom.emulator.start(ports.wecom);
    await eiam.emulator.start(ports.eiam);
    await secretsManager.emulator.start(ports.secretsManager);
    await sqs.emulator.start(ports.sqs);
    await eventBridge.emulator.start(ports.eventBridge);
    await control.start(ports.control, { fallbackToFreePort: options.controlPortFallback === true });
  } catch (error) {
    callbacks.stop();
    await Promise.all([...emulators.map((e) => e.stop()), control.stop()]);
    throw error;
  }

  const secretPrefix = options.secretPrefix ?? "dirgate/local";
  const queues = {
    requests: "dirgate-lookups",
    deadLetter: "dirgate-lookups-dlq",
    results: "dirgate-results",
  };
  sqs.createQueue(queues.deadLetter);
  sqs.createQueue(queues.requests, {
    visibilityTimeoutSeconds: 30,
    deadLetterQueue: queues.deadLetter,
    maxReceiveCount: 5,
  });
  sqs.createQueue(queues.results);
  const connections: Record<string, Record<string, unknown>> = {
    "demo-dingtalk": {
      provider: "dingtalk",
      ...DEMO_CREDENTIALS.dingtalk,
      baseUrl: dingtalk.emulator.baseUrl,
      callback: { ...DEMO_CALLBACK_CREDENTIALS.dingtalk },
    },
    "demo-dingtalk-legacy": {
      provider: "dingtalk",
      ...DEMO_CREDENTIALS.dingtalkLegacy,
      userApi: "legacy",
      baseUrl: dingtalk.emulator.baseUrl,
      callback: { ...DEMO_CALLBACK_CREDENTIALS.dingtalkLegacy },
    },
    "demo-feishu": {
      provider: "feishu",
      ...DEMO_CREDENTIALS.feishu,
      baseUrl: feishu.emulator.baseUrl,
      callback: { ...DEMO_CALLBACK_CREDENTIALS.feishu },
    },
    "demo-wecom": { provider: "wecom", ...DEMO_CREDENTIALS.wecom, baseUrl: wecom.emulator.baseUrl },
    "demo-wecom-legacy-app": {
      provider: "wecom",
      ...DEMO_CREDENTIALS.wecomLegacyApp,
      baseUrl: wecom.emulator.baseUrl,
    },
    "demo-wecom-contacts": {
      provider: "wecom",
      ...DEMO_CREDENTIALS.wecomContacts,
      baseUrl: wecom.emulator.baseUrl,
      callback: { ...DEMO_CALLBACK_CREDENTIALS.wecom },
    },
    "demo-eiam": {
      provider: "eiam",
      ...DEMO_CREDENTIALS.eiam,
      clientAuth: "basic",
      baseUrl: eiam.emulator.baseUrl,
    },
  };
  const loadSecrets = () => {
    secretsManager.clear();
    for (const [id, value] of Object.entries(connections)) {
      secretsManager.putSecret(`${secretPrefix}/connections/${id}`, value);
    }
  };
  loadSecrets();

  const providers = [dingtalk.emulator, feishu.emulator, wecom.emulator, eiam.emulator];
  return {
    org,
    dingtalk,
    feishu,
    wecom,
    eiam,
    secretsManager,
    sqs,
    eventBridge,
    queues,
    secretPrefix,
    emulators,
    connections,
    callbacks,
    control,
    describe: () => ({
      dingtalk: {
        baseUrl: dingtalk.emulator.baseUrl,
        ...DEMO_CREDENTIALS.dingtalk,
        legacy: DEMO_CREDENTIALS.dingtalkLegacy,
      },
      feishu: { baseUrl: feishu.emulator.baseUrl, ...DEMO_CREDENTIALS.feishu },
      wecom: {
        baseUrl: wecom.emulator.baseUrl,
        ...DEMO_CREDENTIALS.wecom,
        legacyAppSecret: DEMO_CREDENTIALS.wecomLegacyApp.corpSecret,
        contactsSecret: DEMO_CREDENTIALS.wecomContacts.corpSecret,
      },
      eiam: { baseUrl: eiam.emulator.baseUrl, ...DEMO_CREDENTIALS.eiam },
      secretsManager: {
        endpoint: secretsManager.emulator.baseUrl,
        region: secretsManager.region,
        prefix: secretPrefix,
        accessKeyId: "sandbox",
        secretAccessKey: "sandbox",
      },
      sqs: {
        endpoint: sqs.emulator.baseUrl,
        requestsQueueUrl: sqs.queueUrl(queues.requests)!,
        deadLetterQueueUrl: sqs.queueUrl(queues.deadLetter)!,
        resultsQueueUrl: sqs.queueUrl(queues.results)!,
      },
      eventBridge: { endpoint: eventBridge.emulator.baseUrl, region: eventBridge.region },
      connections: Object.keys(connections),
      control: { baseUrl: control.baseUrl },
      callbacks: Object.fromEntries(
        callbacks.connections().map(({ connection, provider }) => [
          connection,
          {
            provider,
            ...(connections[connection]?.["callback"] as Record<string, string>),
            target: callbacks.targets()[connection] ?? null,
          },
        ]),
      ),
    }),
    setKnobs(knobs) {
      for (const emulator of providers) emulator.setKnobs(knobs);
    },
    reset() {
      for (const emulator of emulators) emulator.reset();
      callbacks.reset();
      loadSecrets();
    },
    async stop() {
      callbacks.stop();
      await Promise.all([...emulators.map((e) => e.stop()), control.stop()]);
    },
  };
}
