import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { CALLBACK_ROUTES, HTTP_LAMBDAS, QUEUE_LAMBDAS, ROUTES } from "@dirgate/core";
import ts from "typescript";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DOCS_COPY_FILES } from "../packages/lambda/src/docs-page.ts";

/**
 * The SST CLI cannot run offline (it downloads Pulumi), so sst.config.ts is evaluated with
 * stand-in globals (`$config`, `$app`, `sst.aws.*`, `aws.*`, `$interpolate`, `$resolve`) that
 * record what it declares. Two guards keep the stand-ins honest:
 * - `npm run typecheck:sst` (CI) type-checks the config against the pinned SST's own types;
 * - here, every argument name the config passes is looked up in SST's real argument interfaces,
 *   parsed (not type-checked: ~50 ms) from the platform sources that
 *   scripts/extract-platform-types.mjs takes out of the pinned `sst` binary into .sst/platform.
 */

const root = new URL("../", import.meta.url);
const platform = new URL(".sst/platform/", root);

// ---------------------------------------------------------------------------------------------
// SST's real argument names, from the extracted platform sources.
// ---------------------------------------------------------------------------------------------
/** A key tree: each known key → its own known keys (for an object type), or null (anything). */
type Keys = Map<string, Keys | null>;

function interfaceKeys(file: string, name: string): Keys {
  const source = ts.createSourceFile(
    file,
    readFileSync(new URL(file, platform), "utf8"),
    ts.ScriptTarget.Latest,
  );
  let found: ts.InterfaceDeclaration | undefined;
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) found = node;
  });
  if (!found) throw new Error(`${name} not found in ${file}`);
  return membersKeys(found.members);
}

function membersKeys(members: ts.NodeArray<ts.TypeElement>): Keys {
  const keys: Keys = new Map();
  for (const member of members) {
    if (!member.name || !(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) continue;
    const type = ts.isPropertySignature(member) ? member.type : undefined;
    keys.set(member.name.text, type ? typeKeys(type) : null);
  }
  return keys;
}

/** Object keys of a type node: through Input<…>, unions and parentheses; null when not an object. */
function typeKeys(type: ts.TypeNode): Keys | null {
  if (ts.isParenthesizedTypeNode(type)) return typeKeys(type.type);
  if (ts.isTypeLiteralNode(type)) return membersKeys(type.members);
  if (ts.isTypeReferenceNode(type) && type.typeArguments?.length === 1) {
    const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
    if (name === "Input" || name === "Prettify") return typeKeys(type.typeArguments[0]!);
  }
  if (ts.isUnionTypeNode(type)) {
    const merged: Keys = new Map();
    let any = false;
    for (const member of type.types) {
      const keys = typeKeys(member);
      if (keys) for (const [k, v] of keys) merged.set(k, v);
      else any = true;
    }
    return merged.size > 0 ? merged : any ? null : merged;
  }
  return null;
}

/** Every key path of `value` (plain objects only) that `keys` does not know. `transform` is Pulumi's. */
function unknownKeys(value: unknown, keys: Keys | null, path = ""): string[] {
  if (keys === null || value === null || typeof value !== "object" || Array.isArray(value)) return [];
  if (Object.getPrototypeOf(value) !== Object.prototype) return []; // stand-in objects, Outputs
  return Object.entries(value).flatMap(([key, inner]) => {
    if (!keys.has(key)) return [`${path}${key}`];
    return key === "transform" ? [] : unknownKeys(inner, keys.get(key)!, `${path}${key}.`);
  });
}

// ---------------------------------------------------------------------------------------------
// Stand-ins. Resource ARNs are built from the stubbed partition, as SST 4.17's components do.
// ---------------------------------------------------------------------------------------------
const PARTITIONS = {
  aws: { region: "us-east-1", account: "111111111111" },
  "aws-cn": { region: "cn-north-1", account: "222222222222" },
  "aws-us-gov": { region: "us-gov-west-1", account: "333333333333" },
} as const;
type Partition = keyof typeof PARTITIONS;

type Args = Record<string, any>;
interface Declared {
  calls: { component: string; name: string; args: Args }[];
  functions: Map<string, Args>;
  queues: Map<string, { args: Args; subscriber?: { handler: unknown; args: Args } }>;
  routes: { key: string; handler: unknown; args: Args }[];
  authorizers: Args[];
  buses: string[];
  vpcs: { name: string; args: Args }[];
}

function installStandIns(stage: string, partition: Partition): Declared {
  const { region, account } = PARTITIONS[partition];
  const arn = (service: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const declared: Declared = {
    calls: [],
    functions: new Map(),
    queues: new Map(),
    routes: [],
    authorizers: [],
    buses: [],
    vpcs: [],
  };
  const record = (component: string, name: string, args: Args) =>
    declared.calls.push({ component, name, args });
  const g = globalThis as Record<string, unknown>;
  g["$config"] = (config: unknown) => config;
  g["$app"] = { name: "dirgate", stage };
  // Outputs are plain values here: $interpolate joins, $resolve passes through.
  g["$interpolate"] = (strings: TemplateStringsArray, ...values: unknown[]) =>
    strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
  g["$resolve"] = (values: unknown) => values;
  g["aws"] = {
    getPartitionOutput: () => ({
      partition,
      dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
    }),
    getRegionOutput: () => ({ region }),
    getCallerIdentityOutput: () => ({ accountId: account }),
  };
  g["sst"] = {
    aws: {
      Function: class {
        arn: string;
        constructor(name: string, args: Args) {
          record("Function", name, args);
          declared.functions.set(name, args);
          this.arn = arn("lambda", `function:dirgate-${stage}-${name}`);
        }
      },
      Queue: class {
        arn: string;
        url: string;
        constructor(
          readonly name: string,
          args: Args = {},
        ) {
          record("Queue", name, args);
          declared.queues.set(name, { args });
          const suffix = args["fifo"] ? ".fifo" : "";
          this.arn = arn("sqs", `${name}${suffix}`);
          this.url = `https://sqs.${region}.example/${account}/${name}${suffix}`;
        }
        subscribe(handler: unknown, args: Args = {}) {
          record("QueueSubscriber", this.name, args);
          declared.queues.get(this.name)!.subscriber = { handler, args };
        }
      },
      Bus: class {
        arn: string;
        name: string;
        constructor(name: string, args: Args = {}) {
          record("Bus", name, args);
          declared.buses.push(name);
          this.arn = arn("events", `event-bus/${name}`);
          this.name = `dirgate-${stage}-${name}`;
        }
      },
      ApiGatewayV2: class {
        url = "https://api.example.com";
        constructor(name: string, args: Args = {}) {
          record("ApiGatewayV2", name, args);
        }
        route(key: string, handler: unknown, args: Args = {}) {
          record("Route", key, args);
          declared.routes.push({ key, handler, args });
        }
        addAuthorizer(args: Args) {
          record("Authorizer", String(args["name"]), args);
          declared.authorizers.push(args);
          return { id: `authorizer-${args["name"]}` };
        }
      },
      Vpc: class {
        nodes: { elasticIps: { apply: (fn: (eips: { publicIp: string }[]) => unknown) => unknown } };
        constructor(name: string, args: Args = {}) {
          record("Vpc", name, args);
          declared.vpcs.push({ name, args });
          const n = Number(args["az"] ?? 2);
          const eips = Array.from({ length: n }, (_, i) => ({ publicIp: `203.0.113.${i + 10}` }));
          this.nodes = { elasticIps: { apply: (fn) => fn(eips) } };
        }
      },
    },
  };
  return declared;
}

async function evaluate(stage: string, partition: Partition = "aws") {
  const declared = installStandIns(stage, partition);
  // A fresh module each time: the settings block reads the environment once, at load.
  vi.resetModules();
  // Through a URL: its types (.sst/platform/config.d.ts) belong to tsconfig.sst.json, not this project.
  const url = new URL("sst.config.ts", root).href;
  const config = ((await import(/* @vite-ignore */ url)) as { default: unknown }).default as {
    app: (input: { stage: string }) => Args;
    run: () => Promise<Args>;
  };
  return { app: config.app({ stage }), outputs: await config.run(), declared };
}

/** Every ARN-looking string among the declared permissions. */
function permissionResources(declared: Declared): { fn: string; resource: string }[] {
  return [...declared.functions].flatMap(([fn, args]) =>
    ((args["permissions"] ?? []) as { resources: unknown[] }[]).flatMap((p) =>
      p.resources.map((resource) => ({ fn, resource: String(resource) })),
    ),
  );
}

const ENV = [
  "DIRGATE_JWT_ISSUER",
  "DIRGATE_JWT_AUDIENCES",
  "DIRGATE_JWT_SCOPES",
  "DIRGATE_SECRET_PREFIX",
  "DIRGATE_BATCH_CONTAINERS",
  "DIRGATE_FIXED_EGRESS",
  "DIRGATE_EGRESS_AZS",
  "DIRGATE_EGRESS_EIPS",
  "DIRGATE_PROTECTED_STAGES",
  "LOG_LEVEL",
];

/** Every Lambda the stack deploys, from the table: HTTP, callback, queue consumers. */
const CALLBACK_LAMBDAS = [...new Set(CALLBACK_ROUTES.map((r) => r.lambda))];
const ALL_LAMBDAS = [...new Set([...HTTP_LAMBDAS, ...CALLBACK_LAMBDAS, ...QUEUE_LAMBDAS])];
const ALL_ROUTES = ROUTES;
const handlerFile = (name: string) => new URL(`functions/${name}.ts`, root);

describe("sst.config.ts", () => {
  const saved = { ...process.env };
  let realArgs: Record<string, Keys>;

  beforeAll(() => {
    // The platform sources come out of the pinned binary in ~0.3 s (CI runs the script first).
    const stamp = new URL("EXTRACTED.json", platform);
    const sstVersion = JSON.parse(
      readFileSync(new URL("node_modules/sst/package.json", root), "utf8"),
    ).version;
    if (!existsSync(stamp) || JSON.parse(readFileSync(stamp, "utf8")).sst !== sstVersion) {
      execFileSync(process.execPath, ["scripts/extract-platform-types.mjs", "--no-verify-deps"], {
        cwd: root,
        stdio: "ignore",
      });
    }
    realArgs = {
      App: interfaceKeys("src/config.ts", "App"),
      Function: interfaceKeys("src/components/aws/function.ts", "FunctionArgs"),
      Queue: interfaceKeys("src/components/aws/queue.ts", "QueueArgs"),
      QueueSubscriber: interfaceKeys("src/components/aws/queue.ts", "QueueSubscriberArgs"),
      Bus: interfaceKeys("src/components/aws/bus.ts", "BusArgs"),
      ApiGatewayV2: interfaceKeys("src/components/aws/apigatewayv2.ts", "ApiGatewayV2Args"),
      Route: interfaceKeys("src/components/aws/apigatewayv2.ts", "ApiGatewayV2RouteArgs"),
      Authorizer: interfaceKeys("src/components/aws/apigatewayv2.ts", "ApiGatewayV2AuthorizerArgs"),
      Vpc: interfaceKeys("src/components/aws/vpc.ts", "VpcArgs"),
    };
  });
  beforeEach(() => {
    for (const name of ENV) delete process.env[name];
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("passes SST only argument names that exist in the pinned SST's own types", async () => {
    process.env["DIRGATE_JWT_ISSUER"] = "https://issuer.example.com/";
    process.env["DIRGATE_FIXED_EGRESS"] = "1";
    process.env["DIRGATE_EGRESS_EIPS"] = "eipalloc-1,eipalloc-2";
    const { app, declared } = await evaluate("production");
    expect(unknownKeys(app, realArgs["App"]!), "app()").toEqual([]);
    const components = new Set(declared.calls.map((c) => c.component));
    expect([...components].sort()).toEqual(
      Object.keys(realArgs)
        .filter((k) => k !== "App")
        .sort(),
    );
    const unknown = declared.calls.flatMap((call) =>
      unknownKeys(call.args, realArgs[call.component]!).map(
        (key) => `${call.component} ${call.name}: ${key}`,
      ),
    );
    expect(unknown).toEqual([]);
  });

  it("declares every route of the table, the callbacks included, each on the function the table names", async () => {
    const { declared } = await evaluate("dev");
    expect(declared.routes.map((r) => r.key).sort()).toEqual(
      ALL_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of ALL_ROUTES) {
      const declaredRoute = declared.routes.find((r) => r.key === `${route.method} ${route.path}`)!;
      expect(declaredRoute.handler).toBe(
        `arn:aws:lambda:us-east-1:111111111111:function:dirgate-dev-${route.lambda}`,
      );
    }
  });

  it("deploys each function of the table once, on nodejs22.x arm64 ESM", async () => {
    const { declared } = await evaluate("dev");
    expect([...declared.functions.keys()].sort()).toEqual([...ALL_LAMBDAS].sort());
    expect(declared.functions.has("callback") && declared.functions.has("changes")).toBe(true);
    for (const [name, args] of declared.functions) {
      expect(args, name).toMatchObject({
        handler: `functions/${name}.handler`,
        runtime: "nodejs22.x",
        architecture: "arm64",
        nodejs: { format: "esm", minify: true },
        environment: { DIRGATE_SECRET_PREFIX: "dirgate/dev", DIRGATE_STAGE: "dev", LOG_LEVEL: "INFO" },
      });
      expect(args["vpc"], name).toBeUndefined();
    }
  });

  describe.each(ALL_LAMBDAS)("functions/%s.ts", (name) => {
    it("exists and exports handler, reading its settings from the declared environment", async () => {
      const { declared } = await evaluate("dev");
      expect(existsSync(handlerFile(name)), name).toBe(true);
      // The function reads its settings at init, as Lambda would from the declared environment.
      Object.assign(process.env, declared.functions.get(name)!["environment"]);
      const module = (await import(/* @vite-ignore */ handlerFile(name).href)) as Record<string, unknown>;
      expect(typeof module["handler"], name).toBe("function");
    });
  });

  it("protects lookups with IAM by default; health, OpenAPI, docs and the provider callbacks are public", async () => {
    const { declared, outputs } = await evaluate("dev");
    for (const route of ALL_ROUTES) {
      const declaredRoute = declared.routes.find((r) => r.key === `${route.method} ${route.path}`)!;
      expect(declaredRoute.args, declaredRoute.key).toEqual({
        auth: route.auth === "default" ? { iam: true } : false,
      });
    }
    for (const key of [
      "GET /v1/connections/{connection}/callback",
      "POST /v1/connections/{connection}/callback",
    ]) {
      expect(declared.routes.find((r) => r.key === key)?.args, key).toEqual({ auth: false });
    }
    expect(declared.authorizers).toEqual([]);
    expect(outputs).toMatchObject({ auth: "iam", api: "https://api.example.com" });
  });

  it("uses a JWT authorizer when DIRGATE_JWT_ISSUER is set, and keeps the callbacks public", async () => {
    process.env["DIRGATE_JWT_ISSUER"] = "https://issuer.example.com/";
    process.env["DIRGATE_JWT_AUDIENCES"] = "dirgate, hr";
    const { declared, outputs } = await evaluate("dev");
    expect(declared.authorizers).toEqual([
      { name: "jwt", jwt: { issuer: "https://issuer.example.com/", audiences: ["dirgate", "hr"] } },
    ]);
    const lookup = declared.routes.find((r) => r.key === "GET /v1/connections/{connection}/users/{userId}")!;
    expect(lookup.args).toEqual({ auth: { jwt: { authorizer: "authorizer-jwt" } } });
    expect(declared.routes.find((r) => r.key === "GET /v1/health")!.args).toEqual({ auth: false });
    expect(declared.routes.find((r) => r.key === "POST /v1/connections/{connection}/callback")!.args).toEqual(
      {
        auth: false,
      },
    );
    expect(outputs["auth"]).toBe("jwt");
  });

  it("copies the API reference's renderer beside meta's bundle, and into no other function", async () => {
    const { declared } = await evaluate("dev");
    expect(declared.functions.get("meta")!["copyFiles"]).toEqual([...DOCS_COPY_FILES]);
    for (const [name, args] of declared.functions) {
      if (name !== "meta") expect(args["copyFiles"], name).toBeUndefined();
    }
    for (const file of DOCS_COPY_FILES) expect(existsSync(file.from), file.from).toBe(true);
  });

  it("requires JWT scopes per operation route when DIRGATE_JWT_SCOPES says so (API Gateway checks them)", async () => {
    process.env["DIRGATE_JWT_ISSUER"] = "https://issuer.example.com/";
    process.env["DIRGATE_JWT_SCOPES"] = "userById=directory.read directory.admin; *=directory.read";
    const { declared } = await evaluate("dev");
    const args = (key: string) => declared.routes.find((r) => r.key === key)!.args;
    expect(args("GET /v1/connections/{connection}/users/{userId}")).toEqual({
      auth: { jwt: { authorizer: "authorizer-jwt", scopes: ["directory.read", "directory.admin"] } },
    });
    for (const route of ALL_ROUTES.filter((r) => r.auth === "default" && r.operation !== "userById")) {
      expect(args(`${route.method} ${route.path}`), route.path).toEqual({
        auth: { jwt: { authorizer: "authorizer-jwt", scopes: ["directory.read"] } },
      });
    }
    // Public routes stay public: scopes belong to the operations.
    expect(args("GET /v1/health")).toEqual({ auth: false });
    expect(args("POST /v1/connections/{connection}/callback")).toEqual({ auth: false });
  });

  it.each([
    ["scopes without a JWT issuer", { DIRGATE_JWT_SCOPES: "directory.read" }, /needs DIRGATE_JWT_ISSUER/],
    [
      "an operation that does not exist",
      { DIRGATE_JWT_ISSUER: "https://i.example.com/", DIRGATE_JWT_SCOPES: "userByFax=x" },
      /no such operation: userByFax/,
    ],
    [
      "an operation named twice",
      { DIRGATE_JWT_ISSUER: "https://i.example.com/", DIRGATE_JWT_SCOPES: "userById=a;userById=b" },
      /each operation once/,
    ],
    [
      "an operation with no scope",
      { DIRGATE_JWT_ISSUER: "https://i.example.com/", DIRGATE_JWT_SCOPES: "userById=" },
      /not "scope …"/,
    ],
  ])("refuses DIRGATE_JWT_SCOPES with %s", async (_, env, message) => {
    Object.assign(process.env, env);
    await expect(evaluate("dev")).rejects.toThrow(message);
  });

  describe.each(Object.keys(PARTITIONS) as Partition[])("in the %s partition", (partition) => {
    const { region, account } = PARTITIONS[partition];

    it("builds every permission ARN from the deploying partition, region and account", async () => {
      process.env["DIRGATE_SECRET_PREFIX"] = "acme/prod";
      const { declared } = await evaluate("production", partition);
      const resources = permissionResources(declared);
      expect(resources.length).toBeGreaterThan(0);
      for (const { fn, resource } of resources) {
        expect(resource, fn).toMatch(new RegExp(`^arn:${partition}:[a-z-]+:${region}:${account}:`));
        if (partition !== "aws") expect(resource, fn).not.toContain("arn:aws:");
      }
      const secretArn = `arn:${partition}:secretsmanager:${region}:${account}:secret:acme/prod/connections/*`;
      // Only `meta` (public meta routes only) touches no secret; nobody gets `*:*`.
      expect(ROUTES.filter((r) => r.lambda === "meta").every((r) => r.auth === "none")).toBe(true);
      for (const [name, args] of declared.functions) {
        const secrets = (args["permissions"] as { actions: string[]; resources: string[] }[]).filter((p) =>
          p.actions.some((action) => action.startsWith("secretsmanager:")),
        );
        expect(secrets, name).toEqual(
          name === "meta" ? [] : [{ actions: ["secretsmanager:GetSecretValue"], resources: [secretArn] }],
        );
      }
    });
  });

  it("has no `arn:aws:` literal in its source", () => {
    const source = readFileSync(new URL("sst.config.ts", root), "utf8").replace(
      /\/\/.*$|\/\*[\s\S]*?\*\//gm,
      "",
    );
    expect(source).not.toMatch(/arn:aws[:-]/);
  });

  it("grants each function exactly what it does: callback → Changes, changes → the bus, lookup-batch → Results", async () => {
    const { declared } = await evaluate("dev", "aws-cn");
    const q = (name: string, fifo = false) =>
      `arn:aws-cn:sqs:cn-north-1:222222222222:${name}${fifo ? ".fifo" : ""}`;
    const bus = "arn:aws-cn:events:cn-north-1:222222222222:event-bus/DirectoryEvents";
    const others = (name: string) =>
      (declared.functions.get(name)!["permissions"] as { actions: string[] }[]).filter(
        (p) => !p.actions.includes("secretsmanager:GetSecretValue"),
      );
    const consume = (arn: string) => ({
      actions: [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
      ],
      resources: [arn],
    });
    expect(others("callback")).toEqual([{ actions: ["sqs:SendMessage"], resources: [q("Changes", true)] }]);
    expect(others("changes")).toEqual([
      { actions: ["events:PutEvents"], resources: [bus] },
      consume(q("Changes", true)),
    ]);
    expect(others("lookup-batch")).toEqual([
      { actions: ["sqs:SendMessage"], resources: [q("Results")] },
      consume(q("Lookups")),
    ]);
    for (const name of HTTP_LAMBDAS.filter((n) => n !== "callback")) expect(others(name), name).toEqual([]);
  });

  it("declares the queues: Lookups + DLQ → lookup-batch (partial responses, bounded), Results, Changes (FIFO) + DLQ → changes, and the bus", async () => {
    process.env["DIRGATE_BATCH_CONTAINERS"] = "3";
    const { declared, outputs } = await evaluate("dev");
    expect([...declared.queues.keys()].sort()).toEqual([
      "Changes",
      "ChangesDeadLetter",
      "Lookups",
      "LookupsDeadLetter",
      "Results",
    ]);
    const lookups = declared.queues.get("Lookups")!;
    expect(lookups.args["dlq"]).toEqual({
      queue: "arn:aws:sqs:us-east-1:111111111111:LookupsDeadLetter",
      retry: 5,
    });
    expect(lookups.subscriber).toEqual({
      handler: "arn:aws:lambda:us-east-1:111111111111:function:dirgate-dev-lookup-batch",
      args: {
        batch: { size: 10, window: "5 seconds", partialResponses: true },
        transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: 3 } } },
      },
    });
    expect(declared.functions.get("lookup-batch")!["environment"]).toMatchObject({
      DIRGATE_RESULTS_QUEUE_URL: "https://sqs.us-east-1.example/111111111111/Results",
      DIRGATE_BATCH_CONTAINERS: "3",
    });
    const changes = declared.queues.get("Changes")!;
    expect(changes.args["fifo"]).toEqual({ contentBasedDeduplication: false }); // the provider's event id dedups
    expect(declared.queues.get("ChangesDeadLetter")!.args["fifo"]).toBe(true); // a FIFO queue's DLQ is FIFO
    expect(changes.args["dlq"]).toEqual({
      queue: "arn:aws:sqs:us-east-1:111111111111:ChangesDeadLetter.fifo",
      retry: 5,
    });
    expect(changes.subscriber).toEqual({
      handler: "arn:aws:lambda:us-east-1:111111111111:function:dirgate-dev-changes",
      args: { batch: { size: 10, partialResponses: true } }, // FIFO: no batching window
    });
    expect(declared.buses).toEqual(["DirectoryEvents"]);
    expect(declared.functions.get("changes")!["environment"]).toMatchObject({
      DIRGATE_EVENT_BUS_NAME: "dirgate-dev-DirectoryEvents",
    });
    expect(declared.functions.get("callback")!["environment"]).toMatchObject({
      DIRGATE_CHANGES_QUEUE_URL: "https://sqs.us-east-1.example/111111111111/Changes.fifo",
    });
    expect(outputs).toEqual({
      api: "https://api.example.com",
      auth: "iam",
      secretPrefix: "dirgate/dev",
      lookupsQueue: "https://sqs.us-east-1.example/111111111111/Lookups",
      lookupsDeadLetterQueue: "https://sqs.us-east-1.example/111111111111/LookupsDeadLetter",
      resultsQueue: "https://sqs.us-east-1.example/111111111111/Results",
      changesQueue: "https://sqs.us-east-1.example/111111111111/Changes.fifo",
      changesDeadLetterQueue: "https://sqs.us-east-1.example/111111111111/ChangesDeadLetter.fifo",
      eventBus: "dirgate-dev-DirectoryEvents",
    });
  });

  it("has no fixed egress by default; with it, every function sits in the VPC and the NAT IPs are outputs", async () => {
    const off = await evaluate("dev");
    expect(off.declared.vpcs).toEqual([]);
    expect(off.outputs).not.toHaveProperty("egressIps");
    expect(off.outputs).not.toHaveProperty("egressNote");

    process.env["DIRGATE_FIXED_EGRESS"] = "1";
    process.env["DIRGATE_EGRESS_AZS"] = "3";
    const on = await evaluate("dev", "aws-cn");
    expect(on.declared.vpcs).toEqual([{ name: "Egress", args: { az: 3, nat: "managed" } }]);
    for (const [name, args] of on.declared.functions) expect(args["vpc"], name).toBeDefined();
    expect(on.outputs["egressIps"]).toEqual(["203.0.113.10", "203.0.113.11", "203.0.113.12"]);
    expect(on.outputs["egressNote"]).toMatch(/企业可信IP.*DingTalk/);

    process.env["DIRGATE_EGRESS_EIPS"] = "eipalloc-a,eipalloc-b,eipalloc-c";
    const pinned = await evaluate("dev");
    expect(pinned.declared.vpcs[0]!.args["nat"]).toEqual({
      type: "managed",
      ip: ["eipalloc-a", "eipalloc-b", "eipalloc-c"],
    });

    process.env["DIRGATE_EGRESS_AZS"] = "2";
    await expect(evaluate("dev")).rejects.toThrow(/one per AZ/);
  });

  it("retains and protects the protected stages (production by default), removes the others, pins SST", async () => {
    const pinned = JSON.parse(readFileSync(new URL("package.json", root), "utf8")).devDependencies.sst;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/); // exact, so CI type-checks against the version that deploys
    expect((await evaluate("production")).app).toEqual({
      name: "dirgate",
      version: pinned,
      home: "aws",
      removal: "retain",
      protect: true,
    });
    expect((await evaluate("dev")).app).toMatchObject({ removal: "remove", protect: false });
    process.env["DIRGATE_PROTECTED_STAGES"] = "prod,staging";
    expect((await evaluate("staging")).app).toMatchObject({ removal: "retain", protect: true });
  });

  it("rejects settings SQS or the functions cannot honour", async () => {
    process.env["DIRGATE_BATCH_CONTAINERS"] = "1"; // SQS maximumConcurrency is 2–1000
    await expect(evaluate("dev")).rejects.toThrow(/DIRGATE_BATCH_CONTAINERS/);
    process.env["DIRGATE_BATCH_CONTAINERS"] = "2";
    process.env["LOG_LEVEL"] = "verbose";
    await expect(evaluate("dev")).rejects.toThrow(/LOG_LEVEL/);
  });
});
