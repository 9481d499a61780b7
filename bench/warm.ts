import { lambdaContext } from "@dirgate/dev";
import { DEMO_CREDENTIALS, type Sandbox, WECOM_DEMO_CREDENTIALS } from "@dirgate/sandbox";
import * as lark from "@larksuiteoapi/node-sdk";
import { apiEvent } from "../test/helpers/lambda.ts";
import { type Figure, functionEnv, percentile, round, timeCalls } from "./lib.ts";

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

const BIG = "od-5caa30529e8feabe141512b5c3c7153a";

/**
 * Warm overhead: the full handler (Middy chain, API Gateway v2 event, in-process) against the raw
 * upstream call with a token in hand (the physical limit) and the official SDK making the same call.
 */
export async function warmOverhead(sbx: Sandbox, iterations: number): Promise<Figure[]> {
  Object.assign(process.env, functionEnv(sbx));
  const userById = (await import("../functions/user-by-id.ts")).handler as unknown as Handler;
  const departmentUsers = (await import("../functions/department-users.ts")).handler as unknown as Handler;
  const check = async (handler: Handler, e: unknown) => {
    const out = await handler(e, lambdaContext("bench"));
    if (out.statusCode !== 200) throw new Error(`bench call failed: ${out.body}`);
  };

  // Raw calls: fetch with a token already in hand.
  const fs = sbx.feishu.emulator.baseUrl;
  const dt = sbx.dingtalk.emulator.baseUrl;
  const tokenAnswer = await fetch(`${fs}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      app_id: DEMO_CREDENTIALS.feishu.appId,
      app_secret: DEMO_CREDENTIALS.feishu.appSecret,
    }),
  });
  const feishuToken = ((await tokenAnswer.json()) as { tenant_access_token: string }).tenant_access_token;
  const dtQuery = new URLSearchParams({
    appkey: DEMO_CREDENTIALS.dingtalk.appKey,
    appsecret: DEMO_CREDENTIALS.dingtalk.appSecret,
  });
  const dingtalkToken = (
    (await (await fetch(`${dt}/gettoken?${dtQuery}`)).json()) as { access_token: string }
  ).access_token;
  const wc = sbx.wecom.emulator.baseUrl;
  // demo-wecom is the demo corp's self-built app (WECOM_DEMO_CREDENTIALS.app).
  const wcQuery = new URLSearchParams({
    corpid: WECOM_DEMO_CREDENTIALS.corpId,
    corpsecret: WECOM_DEMO_CREDENTIALS.app.secret,
  });
  const wecomToken = (
    (await (await fetch(`${wc}/cgi-bin/gettoken?${wcQuery}`)).json()) as { access_token: string }
  ).access_token;
  const rawJson = async (url: string, init?: RequestInit) => (await fetch(url, init)).json();

  // The official Feishu SDK, pointed at the emulator.
  const client = new lark.Client({
    appId: DEMO_CREDENTIALS.feishu.appId,
    appSecret: DEMO_CREDENTIALS.feishu.appSecret,
    domain: fs,
    loggerLevel: lark.LoggerLevel.error,
  });

  // API Gateway builds the event; building it is not dirgate's time.
  const events = {
    dingtalk: apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan"),
    feishu: apiEvent("GET", "/v1/connections/demo-feishu/users/3e3cf96b"),
    wecom: apiEvent("GET", "/v1/connections/demo-wecom/users/zhangsan"),
    department: apiEvent("GET", `/v1/connections/demo-feishu/departments/${BIG}/users?pageSize=50`),
  };
  const cases = [
    {
      name: "user-by-id (DingTalk v2 user/get)",
      dirgate: () => check(userById, events.dingtalk),
      raw: () =>
        rawJson(`${dt}/topapi/v2/user/get?access_token=${dingtalkToken}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ userid: "zhangsan", language: "zh_CN" }),
        }),
      sdk: undefined,
      sdkNote:
        "no official SDK peer: @alicloud/dingtalk covers api.dingtalk.com v1.0, not oapi topapi/v2/user/get",
    },
    {
      name: "user-by-id (WeCom user/get)",
      dirgate: () => check(userById, events.wecom),
      raw: () => rawJson(`${wc}/cgi-bin/user/get?access_token=${wecomToken}&userid=zhangsan`),
      sdk: undefined,
      sdkNote:
        "no official SDK peer: WeCom publishes no official Node.js SDK for its server API (community wrappers only)",
    },
    {
      name: "user-by-id (Feishu users/:id)",
      dirgate: () => check(userById, events.feishu),
      raw: () =>
        rawJson(
          `${fs}/open-apis/contact/v3/users/3e3cf96b?user_id_type=user_id&department_id_type=open_department_id`,
          {
            headers: { authorization: `Bearer ${feishuToken}` },
          },
        ),
      sdk: () =>
        client.contact.user.get({ path: { user_id: "3e3cf96b" }, params: { user_id_type: "user_id" } }),
      sdkNote: "@larksuiteoapi/node-sdk contact.user.get",
    },
    {
      name: "department-users (Feishu find_by_department, 50)",
      dirgate: () => check(departmentUsers, events.department),
      raw: () =>
        rawJson(
          `${fs}/open-apis/contact/v3/users/find_by_department?department_id=${BIG}&department_id_type=open_department_id&user_id_type=user_id&page_size=50`,
          {
            headers: { authorization: `Bearer ${feishuToken}` },
          },
        ),
      sdk: () =>
        client.contact.user.findByDepartment({
          params: { department_id: BIG, page_size: 50, user_id_type: "user_id" },
        }),
      sdkNote: "@larksuiteoapi/node-sdk contact.user.findByDepartment",
    },
  ];

  const figures: Figure[] = [];
  for (const c of cases) {
    const raw = await timeCalls(c.raw, iterations);
    const dirgate = await timeCalls(c.dirgate, iterations);
    const sdk = c.sdk ? await timeCalls(c.sdk, iterations) : undefined;
    const p50 = percentile(dirgate, 50);
    const p99 = percentile(dirgate, 99);
    const rawP50 = percentile(raw, 50);
    figures.push(
      {
        name: `warm p50: ${c.name}`,
        value: round(p50),
        unit: "ms",
        peer: { name: "raw fetch", value: round(rawP50) },
      },
      {
        name: `warm p99: ${c.name}`,
        value: round(p99),
        unit: "ms",
        peer: { name: "raw fetch", value: round(percentile(raw, 99)) },
      },
      {
        name: `warm p50 overhead over raw: ${c.name}`,
        value: round(p50 - rawP50),
        unit: "ms",
        target: "≤ 0.3",
        meets: p50 - rawP50 <= 0.3,
      },
      {
        name: `warm p50 ratio to raw: ${c.name}`,
        value: round(p50 / rawP50, 2),
        unit: "×",
        target: "≤ 1.2",
        meets: p50 / rawP50 <= 1.2,
      },
    );
    if (sdk) {
      const sdkP50 = percentile(sdk, 50);
      figures.push(
        {
          name: `warm p50 vs official SDK: ${c.name}`,
          value: round(p50),
          unit: "ms",
          peer: { name: c.sdkNote, value: round(sdkP50) },
          target: "faster than the SDK",
          meets: p50 < sdkP50,
        },
        {
          name: `warm p99 vs official SDK: ${c.name}`,
          value: round(p99),
          unit: "ms",
          peer: { name: c.sdkNote, value: round(percentile(sdk, 99)) },
        },
      );
    } else {
      figures.push({ name: `warm official SDK: ${c.name}`, value: Number.NaN, unit: "ms", note: c.sdkNote });
    }
  }
  return figures;
}
