/// <reference path="./.sst/platform/config.d.ts" />

/**
 * dirgate on AWS, with SST 4.17.1 (pinned: `version` below makes any other CLI refuse to run;
 * `npm run typecheck:sst` checks this file against that version's own types).
 *
 * - An HTTP API (API Gateway v2): IAM auth by default, or a JWT authorizer. Routes come from the
 *   route table (`packages/core/src/routes.ts`, derived from the operation table), which the local
 *   server and the OpenAPI document use too. The provider callbacks are public routes: the
 *   function checks the provider's signature.
 * - One Lambda per file in `functions/`: nodejs22.x, arm64, ESM, minified.
 * - Connection secrets: read access to `{secretPrefix}/connections/*` only, in this account and
 *   region. Every ARN is built from the deploying account's partition (aws, aws-cn, aws-us-gov) or
 *   taken from a resource. None is written out here.
 * - Queues: Lookups (+DLQ) → lookup-batch → Results, and callback → Changes (FIFO, +DLQ) →
 *   changes → the DirectoryEvents bus.
 */

// ---------------------------------------------------------------------------------------------
// Settings: the only knobs, read once from the environment of `sst deploy` (README, "Deploy settings").
// ---------------------------------------------------------------------------------------------
type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

interface Settings {
  /** DIRGATE_JWT_ISSUER (+ DIRGATE_JWT_AUDIENCES, comma-separated): a JWT authorizer replaces IAM. */
  jwt: { issuer: string; audiences: string[] } | undefined;
  /**
   * DIRGATE_JWT_SCOPES: the scopes an operation route requires of a JWT (any one of them), checked by
   * API Gateway. `directory.read` (every operation) or `userById=directory.read directory.admin;*=directory.read`
   * (per operation, `*` for the others). Unset: no scope required.
   */
  jwtScopes: Record<string, string[]>;
  /**
   * DIRGATE_FIXED_EGRESS=1: functions run in a VPC and leave through one managed NAT gateway per
   * AZ, each with an Elastic IP (DIRGATE_EGRESS_AZS, default 2). DIRGATE_EGRESS_EIPS: allocation
   * ids of Elastic IPs you own (one per AZ), so the addresses outlive the stack.
   */
  egress: { azs: number; elasticIps: string[] | undefined } | undefined;
  /** DIRGATE_PROTECTED_STAGES (default "production"): retained on removal, `sst remove` refused. */
  protectedStages: string[];
  /** DIRGATE_SECRET_PREFIX (default `dirgate/{stage}`): connections are `{prefix}/connections/{id}`. */
  secretPrefix: string | undefined;
  /** DIRGATE_BATCH_CONTAINERS (default 2; SQS allows 2–1000): lookup-batch's maximum concurrency. */
  batchContainers: number;
  /** LOG_LEVEL (default INFO). */
  logLevel: LogLevel;
}

const SETTINGS: Settings = readSettings(process.env);

function readSettings(env: Record<string, string | undefined>): Settings {
  const list = (value: string | undefined) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  const int = (name: string, fallback: number, min: number, max: number) => {
    const value = Number(env[name] || fallback);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${name} must be an integer from ${min} to ${max}, not "${env[name]}"`);
    }
    return value;
  };
  const elasticIps = list(env["DIRGATE_EGRESS_EIPS"]);
  const fixedEgress = /^(1|true|yes|on)$/i.test(env["DIRGATE_FIXED_EGRESS"] ?? "");
  const azs = int("DIRGATE_EGRESS_AZS", elasticIps.length || 2, 1, 6);
  if (elasticIps.length > 0 && elasticIps.length !== azs) {
    throw new Error(`DIRGATE_EGRESS_EIPS names ${elasticIps.length} Elastic IPs for ${azs} AZs: one per AZ`);
  }
  const logLevel = (env["LOG_LEVEL"] || "INFO").toUpperCase();
  if (!["DEBUG", "INFO", "WARN", "ERROR"].includes(logLevel)) {
    throw new Error(`LOG_LEVEL must be DEBUG, INFO, WARN or ERROR, not "${env["LOG_LEVEL"]}"`);
  }
  const issuer = env["DIRGATE_JWT_ISSUER"];
  const jwtScopes = readScopes(env["DIRGATE_JWT_SCOPES"] ?? "");
  if (!issuer && Object.keys(jwtScopes).length > 0) {
    throw new Error("DIRGATE_JWT_SCOPES needs DIRGATE_JWT_ISSUER: scopes are a JWT authorizer's");
  }
  return {
    jwtScopes,
    jwt: issuer ? { issuer, audiences: list(env["DIRGATE_JWT_AUDIENCES"] || "dirgate") } : undefined,
    egress: fixedEgress ? { azs, elasticIps: elasticIps.length > 0 ? elasticIps : undefined } : undefined,
    protectedStages: list(env["DIRGATE_PROTECTED_STAGES"] || "production"),
    secretPrefix: env["DIRGATE_SECRET_PREFIX"] || undefined,
    batchContainers: int("DIRGATE_BATCH_CONTAINERS", 2, 2, 1000),
    logLevel: logLevel as LogLevel,
  };
}

/** `a b` → every operation needs a or b; `op=a b;*=c` → per operation, `*` for the rest. */
function readScopes(value: string): Record<string, string[]> {
  const scopes: Record<string, string[]> = {};
  for (const part of value
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [left, right] = part.includes("=") ? part.split("=", 2) : ["*", part];
    const names = (right ?? "").split(/[\s,]+/).filter(Boolean);
    const operation = (left ?? "").trim();
    if (!/^(\*|[a-zA-Z]+)$/.test(operation) || names.length === 0 || operation in scopes) {
      throw new Error(
        `DIRGATE_JWT_SCOPES: "${part}" is not "scope …" or "operation=scope …" (each operation once)`,
      );
    }
    scopes[operation] = names;
  }
  return scopes;
}

/**
 * The API reference's renderer, copied beside meta's bundle (read from disk on the first `/docs`
 * request, never bundled): `DOCS_COPY_FILES` in packages/lambda/src/docs-page.ts, which a test
 * holds equal to this.
 */
const DOCS_COPY_FILES = [
  { from: "node_modules/@scalar/api-reference/dist/browser/standalone.js", to: "docs-assets/scalar.js" },
];

/** What `app()` returns, from SST's own `$config` declaration. */
type AppSettings = Awaited<ReturnType<Parameters<typeof $config>[0]["app"]>>;

export default $config({
  app(input) {
    const isProtected = SETTINGS.protectedStages.includes(input.stage);
    // `satisfies`: TypeScript skips excess-property checks on an unannotated return, so a
    // misspelt or unsupported key would otherwise pass silently.
    return {
      name: "dirgate",
      version: "4.17.1",
      home: "aws",
      removal: isProtected ? "retain" : "remove",
      protect: isProtected,
    } satisfies AppSettings;
  },
  async run() {
    // The route table itself, not the package index (that one brings in http.ts and DOM types).
    const { ROUTES, CALLBACK_ROUTES, HTTP_LAMBDAS, QUEUE_LAMBDAS } = await import(
      "./packages/core/src/routes.ts"
    );
    const stage = $app.stage;
    const prefix = SETTINGS.secretPrefix ?? `dirgate/${stage}`;

    // ARNs from the deploying account: partition (aws | aws-cn | aws-us-gov), region, account.
    const partition = aws.getPartitionOutput().partition;
    const region = aws.getRegionOutput().region;
    const account = aws.getCallerIdentityOutput().accountId;
    const readSecrets = {
      actions: ["secretsmanager:GetSecretValue"],
      resources: [
        $interpolate`arn:${partition}:secretsmanager:${region}:${account}:secret:${prefix}/connections/*`,
      ],
    };

    // Fixed egress (off by default): one managed NAT gateway and Elastic IP per AZ.
    const vpc = SETTINGS.egress
      ? new sst.aws.Vpc("Egress", {
          az: SETTINGS.egress.azs,
          nat: SETTINGS.egress.elasticIps ? { type: "managed", ip: SETTINGS.egress.elasticIps } : "managed",
        })
      : undefined;

    // Queues and the event bus.
    const lookupsDeadLetter = new sst.aws.Queue("LookupsDeadLetter", {
      transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
    });
    const lookups = new sst.aws.Queue("Lookups", {
      dlq: { queue: lookupsDeadLetter.arn, retry: 5 },
      visibilityTimeout: "6 minutes",
    });
    const results = new sst.aws.Queue("Results", {
      transform: { queue: { messageRetentionSeconds: 4 * 24 * 3600 } },
    });
    // FIFO: the callback sends MessageDeduplicationId = the provider's event id (redeliveries
    // collapse within SQS's 5-minute window) and MessageGroupId = the connection.
    const changesDeadLetter = new sst.aws.Queue("ChangesDeadLetter", {
      fifo: true,
      transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
    });
    const changes = new sst.aws.Queue("Changes", {
      fifo: { contentBasedDeduplication: false },
      dlq: { queue: changesDeadLetter.arn, retry: 5 },
      visibilityTimeout: "3 minutes",
    });
    const bus = new sst.aws.Bus("DirectoryEvents");

    // Consumers are subscribed by ARN, and SST grants nothing then: the grant is here.
    const consume = (queue: sst.aws.Queue) => ({
      actions: [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
      ],
      resources: [queue.arn],
    });

    type Permission = sst.aws.FunctionPermissionArgs;
    const lambda = (
      name: string,
      permissions: Permission[],
      environment: Record<string, $util.Input<string>> = {},
      timeout: sst.aws.FunctionArgs["timeout"] = "10 seconds",
    ) =>
      new sst.aws.Function(name, {
        handler: `functions/${name}.handler`,
        runtime: "nodejs22.x",
        architecture: "arm64",
        memory: "512 MB",
        timeout,
        nodejs: { format: "esm", minify: true },
        environment: {
          DIRGATE_STAGE: stage,
          DIRGATE_SECRET_PREFIX: prefix,
          LOG_LEVEL: SETTINGS.logLevel,
          ...environment,
        },
        permissions,
        ...(name === "meta" ? { copyFiles: [...DOCS_COPY_FILES] } : {}),
        ...(vpc ? { vpc } : {}),
      });

    // HTTP functions: the lookups, meta, and the provider callback.
    // ROUTES holds every HTTP route, the callback's included (CALLBACK_ROUTES names those).
    const routes = ROUTES;
    const callbackLambdas = new Set<string>(CALLBACK_ROUTES.map((route) => route.lambda));
    const http = new Map<string, sst.aws.Function>();
    for (const name of HTTP_LAMBDAS) {
      // A function that serves only public meta routes (auth "none") touches no secret.
      const touchesSecrets = routes.some((route) => route.lambda === name && route.auth !== "none");
      const permissions: Permission[] = touchesSecrets ? [readSecrets] : [];
      const environment: Record<string, $util.Input<string>> = {};
      if (callbackLambdas.has(name)) {
        permissions.push({ actions: ["sqs:SendMessage"], resources: [changes.arn] });
        environment["DIRGATE_CHANGES_QUEUE_URL"] = changes.url;
      }
      http.set(name, lambda(name, permissions, environment));
    }

    // Queue consumers, one per QUEUE_LAMBDAS entry.
    const consumers = {
      "lookup-batch": () => {
        const fn = lambda(
          "lookup-batch",
          [readSecrets, { actions: ["sqs:SendMessage"], resources: [results.arn] }, consume(lookups)],
          {
            DIRGATE_RESULTS_QUEUE_URL: results.url,
            DIRGATE_BATCH_CONTAINERS: String(SETTINGS.batchContainers),
          },
          "1 minute",
        );
        lookups.subscribe(fn.arn, {
          batch: { size: 10, window: "5 seconds", partialResponses: true },
          transform: {
            eventSourceMapping: { scalingConfig: { maximumConcurrency: SETTINGS.batchContainers } },
          },
        });
      },
      changes: () => {
        const fn = lambda(
          "changes",
          [readSecrets, { actions: ["events:PutEvents"], resources: [bus.arn] }, consume(changes)],
          { DIRGATE_EVENT_BUS_NAME: bus.name },
          "30 seconds",
        );
        // A FIFO queue takes no batching window.
        changes.subscribe(fn.arn, { batch: { size: 10, partialResponses: true } });
      },
    } satisfies Record<(typeof QUEUE_LAMBDAS)[number], () => void>;
    for (const name of QUEUE_LAMBDAS) consumers[name]();

    // The API: IAM by default (a JWT authorizer when configured); public routes say so.
    const api = new sst.aws.ApiGatewayV2("Api", { accessLog: { retention: "1 month" } });
    const jwtAuthorizer = SETTINGS.jwt ? api.addAuthorizer({ name: "jwt", jwt: SETTINGS.jwt }).id : undefined;
    const defaultAuth = jwtAuthorizer ? { jwt: { authorizer: jwtAuthorizer } } : { iam: true };
    // Indexed by the table's RouteAuth: a new kind of auth is a type error here until it is mapped.
    const routeAuth = { default: defaultAuth, none: false, signature: false } as const;
    const unknownScoped = Object.keys(SETTINGS.jwtScopes).filter(
      (name) => name !== "*" && !routes.some((route) => route.operation === name),
    );
    if (unknownScoped.length > 0)
      throw new Error(`DIRGATE_JWT_SCOPES names no such operation: ${unknownScoped.join(", ")}`);
    /** The route's auth; a JWT route carries the scopes its operation requires. */
    const authOf = (route: (typeof routes)[number]) => {
      const scopes = SETTINGS.jwtScopes[route.operation ?? ""] ?? SETTINGS.jwtScopes["*"];
      if (route.auth !== "default" || !jwtAuthorizer || !scopes || !route.operation)
        return routeAuth[route.auth];
      return { jwt: { authorizer: jwtAuthorizer, scopes } };
    };
    for (const route of routes) {
      api.route(`${route.method} ${route.path}`, http.get(route.lambda)!.arn, { auth: authOf(route) });
    }

    return {
      api: api.url,
      auth: SETTINGS.jwt ? "jwt" : "iam",
      secretPrefix: prefix,
      lookupsQueue: lookups.url,
      lookupsDeadLetterQueue: lookupsDeadLetter.url,
      resultsQueue: results.url,
      changesQueue: changes.url,
      changesDeadLetterQueue: changesDeadLetter.url,
      eventBus: bus.name,
      ...(vpc
        ? {
            egressIps: vpc.nodes.elasticIps.apply((eips) => $resolve(eips.map((eip) => eip.publicIp))),
            egressNote:
              "Register every egressIps address as a trusted IP with each provider: WeCom 企业可信IP (else errcode 60020), DingTalk app IP whitelist.",
          }
        : {}),
    };
  },
});
