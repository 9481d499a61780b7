import { execFile } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { promisify } from "node:util";
import { DEMO_CREDENTIALS, type Sandbox } from "@dirgate/sandbox";
import { build } from "esbuild";
import { apiEvent } from "../test/helpers/lambda.ts";
import { type Figure, functionEnv, percentile, round } from "./lib.ts";

const run = promisify(execFile);
const OUT = new URL("./.out/", import.meta.url);
const BIG = "od-5caa30529e8feabe141512b5c3c7153a";

/** Bundles like the Lambda deploy: one minified ESM file, the AWS SDK external (the runtime ships it). */
async function bundle(
  entry: string,
  name: string,
  external: string[],
  format: "esm" | "cjs" = "esm",
): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const outfile = new URL(`${name}.${format === "esm" ? "mjs" : "cjs"}`, OUT).pathname;
  await build({
    entryPoints: [new URL(`../${entry}`, import.meta.url).pathname],
    bundle: true,
    platform: "node",
    target: "node22",
    format,
    minify: true,
    outfile,
    external,
    logLevel: "silent",
    ...(format === "esm"
      ? { banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" } }
      : {}),
  });
  return outfile;
}

/**
 * Cold start per function: bundle size; in a fresh Node process the import time, the first answer
 * (secret fetch + token fetch + the call, against the emulators) and peak RSS; the same for a
 * minimal handler on the official Feishu SDK.
 */
export async function coldStart(sbx: Sandbox, runs: number): Promise<Figure[]> {
  const fs = sbx.feishu.emulator.baseUrl;
  const sm = sbx.secretsManager.emulator.baseUrl;
  const secretFetch = (id: string) => ({
    url: sm,
    init: {
      method: "POST",
      headers: {
        "x-amz-target": "secretsmanager.GetSecretValue",
        "content-type": "application/x-amz-json-1.1",
        authorization: "AWS4-HMAC-SHA256 Credential=x/y",
      },
      body: JSON.stringify({ SecretId: `dirgate/local/connections/${id}` }),
    },
  });
  const feishuToken = {
    url: `${fs}/open-apis/auth/v3/tenant_access_token/internal`,
    init: {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        app_id: DEMO_CREDENTIALS.feishu.appId,
        app_secret: DEMO_CREDENTIALS.feishu.appSecret,
      }),
    },
  };
  const list = {
    url: `${fs}/open-apis/contact/v3/users/find_by_department?department_id=${BIG}&page_size=50&user_id_type=user_id`,
  };
  const dtToken = {
    url: `${sbx.dingtalk.emulator.baseUrl}/gettoken?appkey=${DEMO_CREDENTIALS.dingtalk.appKey}&appsecret=${DEMO_CREDENTIALS.dingtalk.appSecret}`,
  };

  const targets = [
    {
      name: "users-by-mobile",
      entry: "functions/users-by-mobile.ts",
      event: apiEvent("POST", "/v1/connections/demo-eiam/users/by-mobile", {
        body: { mobile: "15204130007" },
      }),
      raw: [
        secretFetch("demo-eiam"),
        {
          url: `${sbx.eiam.emulator.baseUrl}/api/v2/tenant/token`,
          init: {
            method: "POST",
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              authorization: `Basic ${Buffer.from(`${DEMO_CREDENTIALS.eiam.clientId}:${DEMO_CREDENTIALS.eiam.clientSecret}`).toString("base64")}`,
            },
            body: "grant_type=client_credentials",
          },
        },
        { url: `${sbx.eiam.emulator.baseUrl}/api/v2/tenant/users/20220825141325371-4D03-81EF80243` },
      ],
    },
    {
      name: "user-by-id",
      entry: "functions/user-by-id.ts",
      event: apiEvent("GET", "/v1/connections/demo-dingtalk/users/zhangsan"),
      raw: [
        secretFetch("demo-dingtalk"),
        dtToken,
        { url: `${sbx.dingtalk.emulator.baseUrl}/user/get?userid=zhangsan` },
      ],
    },
    {
      name: "department-users",
      entry: "functions/department-users.ts",
      event: apiEvent("GET", `/v1/connections/demo-feishu/departments/${BIG}/users?pageSize=50`),
      raw: [secretFetch("demo-feishu"), feishuToken, list],
    },
    { name: "meta (health)", entry: "functions/meta.ts", event: apiEvent("GET", "/v1/health"), raw: [] },
    {
      name: "peer: department-users on @larksuiteoapi/node-sdk",
      entry: "bench/peers/lark-department-users.ts",
      event: { pathParameters: { departmentId: BIG } },
      raw: [feishuToken, list],
      peer: true,
    },
  ];

  const env = {
    ...process.env,
    ...functionEnv(sbx),
    LARK_APP_ID: DEMO_CREDENTIALS.feishu.appId,
    LARK_APP_SECRET: DEMO_CREDENTIALS.feishu.appSecret,
    LARK_DOMAIN: fs,
  };
  const results: Record<
    string,
    { sizeKB: number; importMs: number; firstMs: number; overMs: number; rssMB: number }
  > = {};
  for (const target of targets) {
    // The Lark SDK is CommonJS (it reads __dirname): its peer is bundled as CJS, as one would deploy it.
    const file = await bundle(
      target.entry,
      target.name.replace(/[^a-z]+/gi, "-"),
      ["@aws-sdk/*"],
      target.peer ? "cjs" : "esm",
    );
    const samples: {
      importMs: number;
      firstAnswerMs: number;
      roundTripsMs: number;
      maxRssMB: number;
      status?: number;
    }[] = [];
    for (let i = 0; i < runs; i += 1) {
      sbx.reset(); // a cold container finds no token anywhere
      const { stdout } = await run(
        process.execPath,
        [
          new URL("./cold-child.mjs", import.meta.url).pathname,
          file,
          JSON.stringify(target.event),
          JSON.stringify(target.raw),
        ],
        { env, maxBuffer: 1 << 20 },
      ).catch((error: { stderr?: string }) => {
        throw new Error(`${target.name}: cold start failed: ${String(error.stderr ?? error).slice(-400)}`);
      });
      const sample = JSON.parse(stdout.trim().split("\n").pop()!);
      if (sample.status !== 200) throw new Error(`${target.name} answered ${sample.status} on a cold start`);
      samples.push(sample);
    }
    results[target.name] = {
      sizeKB: statSync(file).size / 1024,
      importMs: percentile(
        samples.map((s) => s.importMs),
        50,
      ),
      firstMs: percentile(
        samples.map((s) => s.firstAnswerMs),
        50,
      ),
      overMs: percentile(
        samples.map((s) => s.firstAnswerMs - s.roundTripsMs),
        50,
      ),
      rssMB: percentile(
        samples.map((s) => s.maxRssMB),
        50,
      ),
    };
  }

  const peer = results["peer: department-users on @larksuiteoapi/node-sdk"]!;
  const figures: Figure[] = [];
  for (const target of targets.filter((t) => !t.peer)) {
    const r = results[target.name]!;
    const withPeer = target.name === "department-users";
    const p = (value: number) =>
      withPeer ? { peer: { name: "@larksuiteoapi/node-sdk handler", value: round(value, 1) } } : {};
    figures.push(
      {
        name: `cold: bundle size, ${target.name}`,
        value: round(r.sizeKB, 1),
        unit: "KB",
        target: "≤ 250",
        meets: r.sizeKB <= 250 && (!withPeer || r.sizeKB < peer.sizeKB),
        ...p(peer.sizeKB),
      },
      {
        name: `cold: import, ${target.name}`,
        value: round(r.importMs, 1),
        unit: "ms",
        target: "≤ 40",
        meets: r.importMs <= 40 && (!withPeer || r.importMs < peer.importMs),
        ...p(peer.importMs),
      },
      {
        name: `cold: first answer, ${target.name}`,
        value: round(r.firstMs, 1),
        unit: "ms",
        ...p(peer.firstMs),
      },
      {
        name: `cold: first answer beyond upstream round trips, ${target.name}`,
        value: round(r.overMs, 1),
        unit: "ms",
        target: "≤ 100",
        meets: r.overMs <= 100,
        ...p(peer.overMs),
      },
      {
        name: `cold: peak RSS, ${target.name}`,
        value: round(r.rssMB, 1),
        unit: "MB",
        target: "≤ 90",
        meets: r.rssMB <= 90 && (!withPeer || r.rssMB < peer.rssMB),
        ...p(peer.rssMB),
      },
    );
  }
  return figures;
}
