import { existsSync } from "node:fs";
import { ROUTES } from "@dirgate/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/**
 * The SST CLI cannot run offline (it downloads Pulumi), so sst.config.ts is evaluated with
 * stand-in `$config`, `$app` and `sst.aws.*` globals that record what it declares.
 */
interface Declared {
  queues: {
    name: string;
    args: Record<string, any>;
    subscribers: { handler: Record<string, any>; args: Record<string, any> }[];
  }[];
  functions: { name: string; args: Record<string, any> }[];
  routes: { key: string; handler: string; args: Record<string, any> }[];
  authorizers: Record<string, any>[];
}

function installStandIns(stage: string): Declared {
  const declared: Declared = { queues: [], functions: [], routes: [], authorizers: [] };
  const g = globalThis as Record<string, unknown>;
  g["$config"] = (config: unknown) => config;
  g["$app"] = { name: "dirgate", stage };
  g["sst"] = {
    aws: {
      ApiGatewayV2: class {
        url = "https://api.example.com";
        route(key: string, handler: string, args: Record<string, any>) {
          declared.routes.push({ key, handler, args });
        }
        addAuthorizer(args: Record<string, any>) {
          declared.authorizers.push(args);
          return { id: `authorizer-${args["name"]}` };
        }
      },
      Queue: class {
        arn: string;
        url: string;
        private readonly entry: Declared["queues"][number];
        constructor(name: string, args: Record<string, any> = {}) {
          this.entry = { name, args, subscribers: [] };
          declared.queues.push(this.entry);
          this.arn = `arn:aws:sqs:::${name}`;
          this.url = `https://sqs/${name}`;
        }
        subscribe(handler: Record<string, any>, args: Record<string, any>) {
          this.entry.subscribers.push({ handler, args });
        }
      },
      Function: class {
        arn: string;
        constructor(name: string, args: Record<string, any>) {
          declared.functions.push({ name, args });
          this.arn = `arn:aws:lambda:::function:${name}`;
        }
      },
    },
  };
  return declared;
}

async function evaluate(stage: string) {
  const declared = installStandIns(stage);
  // Through a URL: its types (.sst/platform/config.d.ts) exist only after `sst install`.
  const url = new URL("../sst.config.ts", import.meta.url).href;
  const config = ((await import(/* @vite-ignore */ url)) as { default: unknown }).default as {
    app: (input: { stage: string }) => Record<string, unknown>;
    run: () => Promise<Record<string, unknown>>;
  };
  return { app: config.app({ stage }), outputs: await config.run(), declared };
}

describe("sst.config.ts", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env["DIRGATE_JWT_ISSUER"];
    delete process.env["DIRGATE_SECRET_PREFIX"];
    delete process.env["DIRGATE_BATCH_CONTAINERS"];
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("declares every route of the route table, each on the function the table names", async () => {
    const { declared } = await evaluate("dev");
    expect(declared.routes.map((r) => r.key).sort()).toEqual(
      ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of ROUTES) {
      const declaredRoute = declared.routes.find((r) => r.key === `${route.method} ${route.path}`)!;
      expect(declaredRoute.handler).toBe(`arn:aws:lambda:::function:${route.lambda}`);
    }
  });

  it("puts each function on nodejs22.x arm64, with a handler file that exists and exports handler", async () => {
    const { declared } = await evaluate("dev");
    expect(declared.functions.map((f) => f.name).sort()).toEqual([
      "department-users",
      "meta",
      "user-by-id",
      "users-by-mobile",
    ]);
    for (const fn of declared.functions) {
      expect(fn.args["runtime"]).toBe("nodejs22.x");
      expect(fn.args["architecture"]).toBe("arm64");
      const [file, exported] = String(fn.args["handler"]).split(".");
      expect(existsSync(new URL(`../${file}.ts`, import.meta.url)), file).toBe(true);
      const url = new URL(`../${file}.ts`, import.meta.url).href;
      const module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
      expect(typeof module[exported!], fn.name).toBe("function");
      expect(fn.args["environment"]).toMatchObject({
        DIRGATE_SECRET_PREFIX: "dirgate/dev",
        DIRGATE_STAGE: "dev",
      });
    }
  });

  it("protects lookups with IAM by default and leaves health, OpenAPI and docs public", async () => {
    const { declared, outputs } = await evaluate("dev");
    for (const route of declared.routes) {
      const isMeta = ["GET /v1/health", "GET /v1/openapi.json", "GET /docs"].includes(route.key);
      expect(route.args, route.key).toEqual(isMeta ? {} : { auth: { iam: true } });
    }
    expect(declared.authorizers).toEqual([]);
    expect(outputs).toMatchObject({ auth: "iam", api: "https://api.example.com" });
  });

  it("uses a JWT authorizer when DIRGATE_JWT_ISSUER is set", async () => {
    process.env["DIRGATE_JWT_ISSUER"] = "https://issuer.example.com/";
    process.env["DIRGATE_JWT_AUDIENCES"] = "dirgate,hr";
    const { declared } = await evaluate("dev");
    expect(declared.authorizers).toEqual([
      { name: "jwt", jwt: { issuer: "https://issuer.example.com/", audiences: ["dirgate", "hr"] } },
    ]);
    const lookup = declared.routes.find((r) => r.key === "GET /v1/connections/{connection}/users/{userId}")!;
    expect(lookup.args).toEqual({ auth: { jwt: { authorizer: "authorizer-jwt" } } });
  });

  it("grants secretsmanager:GetSecretValue on the connection prefix only, and nothing to meta", async () => {
    process.env["DIRGATE_SECRET_PREFIX"] = "acme/prod";
    const { declared } = await evaluate("production");
    for (const fn of declared.functions) {
      const expected =
        fn.name === "meta"
          ? []
          : [
              {
                actions: ["secretsmanager:GetSecretValue"],
                resources: ["arn:aws:secretsmanager:*:*:secret:acme/prod/connections/*"],
              },
            ];
      expect(fn.args["permissions"], fn.name).toEqual(expected);
    }
  });

  it("retains and protects production, removes other stages", async () => {
    expect((await evaluate("production")).app).toMatchObject({
      name: "dirgate",
      home: "aws",
      removal: "retain",
      protect: true,
    });
    expect((await evaluate("dev")).app).toMatchObject({ removal: "remove", protect: false });
  });

  it("declares the batch queues: lookups with a DLQ, results, and a partial-response consumer with bounded concurrency", async () => {
    process.env["DIRGATE_BATCH_CONTAINERS"] = "3";
    const { declared, outputs } = await evaluate("dev");
    const byName = Object.fromEntries(declared.queues.map((q) => [q.name, q]));
    expect(Object.keys(byName).sort()).toEqual(["Lookups", "LookupsDeadLetter", "Results"]);
    expect(byName["Lookups"]!.args["dlq"]).toEqual({ queue: "arn:aws:sqs:::LookupsDeadLetter", retry: 5 });
    const [consumer] = byName["Lookups"]!.subscribers;
    expect(consumer!.handler).toMatchObject({
      handler: "functions/lookup-batch.handler",
      runtime: "nodejs22.x",
      architecture: "arm64",
    });
    expect(consumer!.handler["environment"]).toMatchObject({
      DIRGATE_RESULTS_QUEUE_URL: "https://sqs/Results",
      DIRGATE_BATCH_CONTAINERS: "3",
    });
    expect(consumer!.handler["permissions"]).toEqual([
      {
        actions: ["secretsmanager:GetSecretValue"],
        resources: ["arn:aws:secretsmanager:*:*:secret:dirgate/dev/connections/*"],
      },
      { actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:::Results"] },
    ]);
    expect(consumer!.args).toEqual({
      batch: { size: 10, window: "5 seconds", partialResponses: true },
      transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: 3 } } },
    });
    expect(outputs).toMatchObject({
      lookupsQueue: "https://sqs/Lookups",
      resultsQueue: "https://sqs/Results",
    });
    // The function reads its settings at init, as Lambda would from the declared environment.
    Object.assign(process.env, consumer!.handler["environment"]);
    const [file, exported] = String(consumer!.handler["handler"]).split(".");
    const module = (await import(
      /* @vite-ignore */ new URL(`../${file}.ts`, import.meta.url).href
    )) as Record<string, unknown>;
    expect(typeof module[exported!]).toBe("function");
  });
});
