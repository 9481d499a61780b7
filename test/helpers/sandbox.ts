import { readFileSync } from "node:fs";
import { DEMO_CREDENTIALS, type Sandbox, type SandboxOptions, startSandbox } from "@dirgate/sandbox";
import { afterAll, beforeAll, beforeEach } from "vitest";

/** Starts one sandbox for the test file, resets it before each test, stops it after the file. */
export function useSandbox(options: SandboxOptions = {}): { current: Sandbox } {
  const ref = {} as { current: Sandbox };
  beforeAll(async () => {
    ref.current = await startSandbox(options);
  });
  beforeEach(() => ref.current.reset());
  afterAll(async () => {
    await ref.current?.stop();
  });
  return ref;
}

/** A seed example from test/fixtures/seeds, parsed. */
export function seedFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/seeds/${name}`, import.meta.url), "utf8")) as T;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A plain HTTP call that never throws on a status and parses JSON when it can. */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return call(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export async function dingtalkToken(
  sbx: Sandbox,
  app: { appKey: string; appSecret: string } = DEMO_CREDENTIALS.dingtalk,
) {
  const qs = new URLSearchParams({ appkey: app.appKey, appsecret: app.appSecret });
  const answer = await call(`${sbx.dingtalk.emulator.baseUrl}/gettoken?${qs}`);
  return answer.json.access_token as string;
}

export async function feishuToken(sbx: Sandbox): Promise<string> {
  const answer = await postJson(
    `${sbx.feishu.emulator.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`,
    {
      app_id: DEMO_CREDENTIALS.feishu.appId,
      app_secret: DEMO_CREDENTIALS.feishu.appSecret,
    },
  );
  return answer.json.tenant_access_token as string;
}

export async function eiamToken(sbx: Sandbox): Promise<string> {
  const { clientId, clientSecret } = DEMO_CREDENTIALS.eiam;
  const answer = await call(`${sbx.eiam.emulator.baseUrl}/api/v2/tenant/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  return answer.json.access_token as string;
}
