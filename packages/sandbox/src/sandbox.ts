import { createDingTalkEmulator, type DingTalkApp } from "./dingtalk.ts";
import { createEiamEmulator, type EiamClient } from "./eiam.ts";
import type { Emulator, Knobs } from "./emulator.ts";
import { createEventBridgeEmulator } from "./eventbridge.ts";
import { createFeishuEmulator, type FeishuApp } from "./feishu.ts";
import { buildDemoOrg, type DemoOrg } from "./org.ts";
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
    Record<"dingtalk" | "feishu" | "wecom" | "eiam" | "secretsManager" | "sqs" | "eventBridge", number>
  >;
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

/** Every secret value the sandbox hands out (leak tests search for each). */
export function demoSecretValues(): string[] {
  const values = Object.values(DEMO_CREDENTIALS).map((c) =>
    "appSecret" in c ? c.appSecret : "clientSecret" in c ? c.clientSecret : c.corpSecret,
  );
  const wecom = WECOM_DEMO_CREDENTIALS;
  return [
    ...new Set([
      ...values,
      wecom.app.secret,
      wecom.legacyApp.secret,
      wecom.contacts.secret,
      wecom.customized.secret,
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
  /** What `npm run sandbox` prints: base URLs, credentials and the Secrets Manager endpoint. */
  describe(): SandboxDescription;
  /** Sets knobs on every provider emulator. */
  setKnobs(knobs: Partial<Knobs>): void;
  /** Default knobs, no faults, zero counters, no tokens, exactly the demo secrets. */
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
  } catch (error) {
    await Promise.all(emulators.map((e) => e.stop()));
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
    },
    "demo-dingtalk-legacy": {
      provider: "dingtalk",
      ...DEMO_CREDENTIALS.dingtalkLegacy,
      userApi: "legacy",
      baseUrl: dingtalk.emulator.baseUrl,
    },
    "demo-feishu": { provider: "feishu", ...DEMO_CREDENTIALS.feishu, baseUrl: feishu.emulator.baseUrl },
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
    }),
    setKnobs(knobs) {
      for (const emulator of providers) emulator.setKnobs(knobs);
    },
    reset() {
      for (const emulator of emulators) emulator.reset();
      loadSecrets();
    },
    async stop() {
      await Promise.all(emulators.map((e) => e.stop()));
    },
  };
}
