/// <reference path="./.sst/platform/config.d.ts" />

/**
 * dirgate on AWS: an HTTP API (API Gateway v2) with IAM auth by default (a JWT authorizer when
 * DIRGATE_JWT_ISSUER is set), one Lambda per function file on nodejs22.x/arm64, routes from the
 * same route table the local server and the OpenAPI document use, and read access to connection
 * secrets `{prefix}/connections/*` only. Connections are secrets: add one without a redeploy.
 * Batches: a lookups queue (dead-letter queue after 5 receives) consumed by `lookup-batch` with
 * partial batch responses and a bounded concurrency, and a results queue.
 */
export default $config({
  app(input) {
    return {
      name: "dirgate",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
    };
  },
  async run() {
    const { ROUTES } = await import("./packages/core/src/routes.ts");
    const stage = $app.stage;
    const prefix = process.env.DIRGATE_SECRET_PREFIX ?? `dirgate/${stage}`;
    const connectionSecrets = `arn:aws:secretsmanager:*:*:secret:${prefix}/connections/*`;

    const api = new sst.aws.ApiGatewayV2("Api", { accessLog: { retention: "1 month" } });
    const issuer = process.env.DIRGATE_JWT_ISSUER;
    const auth = issuer
      ? {
          jwt: {
            authorizer: api.addAuthorizer({
              name: "jwt",
              jwt: { issuer, audiences: (process.env.DIRGATE_JWT_AUDIENCES ?? "dirgate").split(",") },
            }).id,
          },
        }
      : { iam: true as const };

    const functions: Record<string, sst.aws.Function> = {};
    for (const route of ROUTES) {
      if (functions[route.lambda]) continue;
      const needsSecrets = route.auth !== "none";
      functions[route.lambda] = new sst.aws.Function(route.lambda, {
        handler: `functions/${route.lambda}.handler`,
        runtime: "nodejs22.x",
        architecture: "arm64",
        memory: "512 MB",
        timeout: "10 seconds",
        nodejs: { format: "esm", minify: true },
        environment: {
          DIRGATE_STAGE: stage,
          DIRGATE_SECRET_PREFIX: prefix,
          LOG_LEVEL: process.env.LOG_LEVEL ?? "INFO",
        },
        permissions: needsSecrets
          ? [{ actions: ["secretsmanager:GetSecretValue"], resources: [connectionSecrets] }]
          : [],
      });
    }
    for (const route of ROUTES) {
      api.route(
        `${route.method} ${route.path}`,
        functions[route.lambda]!.arn,
        route.auth === "none" ? {} : { auth },
      );
    }

    // Batches: lookups on a queue (with a dead-letter queue after 5 receives), results on another.
    const maxConcurrency = Number(process.env.DIRGATE_BATCH_CONTAINERS ?? 2);
    const deadLetters = new sst.aws.Queue("LookupsDeadLetter", {
      transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
    });
    const results = new sst.aws.Queue("Results", {
      transform: { queue: { messageRetentionSeconds: 4 * 24 * 3600 } },
    });
    const lookups = new sst.aws.Queue("Lookups", {
      dlq: { queue: deadLetters.arn, retry: 5 },
      visibilityTimeout: "6 minutes",
    });
    lookups.subscribe(
      {
        handler: "functions/lookup-batch.handler",
        runtime: "nodejs22.x",
        architecture: "arm64",
        memory: "512 MB",
        timeout: "1 minute",
        nodejs: { format: "esm", minify: true },
        environment: {
          DIRGATE_STAGE: stage,
          DIRGATE_SECRET_PREFIX: prefix,
          DIRGATE_RESULTS_QUEUE_URL: results.url,
          DIRGATE_BATCH_CONTAINERS: String(maxConcurrency),
          LOG_LEVEL: process.env.LOG_LEVEL ?? "INFO",
        },
        permissions: [
          { actions: ["secretsmanager:GetSecretValue"], resources: [connectionSecrets] },
          { actions: ["sqs:SendMessage"], resources: [results.arn] },
        ],
      },
      {
        batch: { size: 10, window: "5 seconds", partialResponses: true },
        transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: maxConcurrency } } },
      },
    );

    return {
      api: api.url,
      secretPrefix: prefix,
      auth: issuer ? "jwt" : "iam",
      lookupsQueue: lookups.url,
      resultsQueue: results.url,
      deadLetterQueue: deadLetters.url,
    };
  },
});
