import { randomUUID } from "node:crypto";
import {
  type Dialect,
  Emulator,
  type EmulatorRequest,
  parseJsonBody,
  type Reply,
  type Route,
} from "./emulator.ts";
import { alnum, createRng } from "./rng.ts";

/**
 * AWS Secrets Manager emulator speaking the AWS JSON 1.1 protocol (`POST /`, `X-Amz-Target:
 * secretsmanager.<Operation>`), so the real `@aws-sdk/client-secrets-manager` works against it
 * with an endpoint override and dummy credentials. Requests must be SigV4-signed (the signature
 * itself is not checked).
 */
interface SecretVersion {
  versionId: string;
  secretString: string;
  createdAt: number;
  stages: string[];
}

interface StoredSecret {
  name: string;
  arn: string;
  createdAt: number;
  lastChangedAt: number;
  versions: SecretVersion[];
}

const ACCOUNT = "000000000000";

export function createSecretsManagerEmulator(options: { region?: string; seed?: number } = {}) {
  const region = options.region ?? "us-east-1";
  const rng = createRng(options.seed ?? 7);
  const secrets = new Map<string, StoredSecret>();

  const awsError = (status: number, type: string, message: string): Reply => ({
    status,
    headers: { "x-amzn-errortype": type, "content-type": "application/x-amz-json-1.1" },
    body: { __type: type, message },
  });
  const okReply = (body: unknown): Reply => ({
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1" },
    body,
  });

  const find = (secretId: unknown): StoredSecret | undefined => {
    if (typeof secretId !== "string") return undefined;
    for (const secret of secrets.values()) {
      if (secret.name === secretId || secret.arn === secretId) return secret;
    }
    return undefined;
  };
  const notFound = () =>
    awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

  /** Creates or replaces a secret from code (the sandbox preloads demo connections this way). */
  function putSecret(name: string, value: string | object): void {
    const secretString = typeof value === "string" ? value : JSON.stringify(value);
    const existing = secrets.get(name);
    if (existing) {
      addVersion(existing, secretString);
      return;
    }
    const now = Date.now() / 1000;
    secrets.set(name, {
      name,
      arn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${alnum(rng, 6)}`,
      createdAt: now,
      lastChangedAt: now,
      versions: [{ versionId: randomUUID(), secretString, createdAt: now, stages: ["AWSCURRENT"] }],
    });
  }

  function addVersion(secret: StoredSecret, secretString: string): SecretVersion {
    const now = Date.now() / 1000;
    for (const version of secret.versions) {
      version.stages = version.stages.includes("AWSCURRENT") ? ["AWSPREVIOUS"] : [];
    }
    const version = { versionId: randomUUID(), secretString, createdAt: now, stages: ["AWSCURRENT"] };
    secret.versions.push(version);
    secret.lastChangedAt = now;
    return version;
  }

  const operations: Record<string, (input: Record<string, unknown>) => Reply> = {
    GetSecretValue(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      const stage = typeof input["VersionStage"] === "string" ? input["VersionStage"] : "AWSCURRENT";
      const version =
        typeof input["VersionId"] === "string"
          ? secret.versions.find((v) => v.versionId === input["VersionId"])
          : secret.versions.find((v) => v.stages.includes(stage));
      if (!version) return notFound();
      return okReply({
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        SecretString: version.secretString,
        VersionStages: version.stages,
        CreatedDate: version.createdAt,
      });
    },
    ListSecrets(input) {
      const filters = Array.isArray(input["Filters"])
        ? (input["Filters"] as { Key?: string; Values?: string[] }[])
        : [];
      const max = typeof input["MaxResults"] === "number" ? input["MaxResults"] : 100;
      if (max < 1 || max > 100)
        return awsError(400, "InvalidParameterException", "MaxResults must be between 1 and 100");
      const start =
        typeof input["NextToken"] === "string"
          ? Number(Buffer.from(input["NextToken"], "base64").toString())
          : 0;
      const all = [...secrets.values()]
        .filter((s) =>
          filters.every(
            (f) => f.Key !== "name" || (f.Values ?? []).some((prefix) => s.name.startsWith(prefix)),
          ),
        )
        .sort((a, b) => a.name.localeCompare(b.name));
      const page = all.slice(start, start + max);
      return okReply({
        SecretList: page.map((s) => ({
          ARN: s.arn,
          Name: s.name,
          CreatedDate: s.createdAt,
          LastChangedDate: s.lastChangedAt,
          SecretVersionsToStages: Object.fromEntries(
            s.versions.filter((v) => v.stages.length).map((v) => [v.versionId, v.stages]),
          ),
        })),
        ...(start + max < all.length
          ? { NextToken: Buffer.from(String(start + max)).toString("base64") }
          : {}),
      });
    },
    CreateSecret(input) {
      const name = input["Name"];
      if (typeof name !== "string" || name === "")
        return awsError(400, "InvalidParameterException", "Name is required");
      if (secrets.has(name)) {
        return awsError(
          400,
          "ResourceExistsException",
          `The operation failed because the secret ${name} already exists.`,
        );
      }
      if (typeof input["SecretString"] !== "string") {
        return awsError(
          400,
          "InvalidRequestException",
          "You must provide either SecretString or SecretBinary.",
        );
      }
      putSecret(name, input["SecretString"]);
      const secret = secrets.get(name)!;
      return okReply({ ARN: secret.arn, Name: secret.name, VersionId: secret.versions[0]!.versionId });
    },
    PutSecretValue(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      if (typeof input["SecretString"] !== "string") {
        return awsError(
          400,
          "InvalidRequestException",
          "You must provide either SecretString or SecretBinary.",
        );
      }
      const version = addVersion(secret, input["SecretString"]);
      return okReply({
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        VersionStages: version.stages,
      });
    },
    DeleteSecret(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      secrets.delete(secret.name);
      return okReply({ ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 });
    },
  };

  const dialect: Dialect = {
    authenticate(req) {
      const auth = String(req.headers["authorization"] ?? "");
      if (!auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
        return awsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
      }
      return { app: auth.slice(28).split("/")[0] ?? "unknown" };
    },
    fault(kind) {
      switch (kind) {
        case "http500":
        case "busy":
          return awsError(500, "InternalServiceError", "An error occurred on the server side.");
        case "http502":
          return { status: 502, body: "<html><body>502 Bad Gateway</body></html>" };
        case "http503":
          return awsError(503, "ServiceUnavailable", "Service unavailable.");
        case "malformedJson":
          return {
            status: 200,
            headers: { "content-type": "application/x-amz-json-1.1" },
            body: '{"ARN":"arn:aws',
          };
        case "htmlThrottle":
        case "rateLimited":
        case "punishDeny":
          return awsError(400, "ThrottlingException", "Rate exceeded");
      }
    },
    rateLimited: () => awsError(400, "ThrottlingException", "Rate exceeded"),
    notFound: () => awsError(404, "UnknownOperationException", "Not Found"),
    revokeTokens: () => {},
    reset: () => {},
  };

  const routes: Route[] = [
    {
      method: "POST",
      pattern: "/",
      name: "request",
      auth: true,
      handle(req: EmulatorRequest, ctx) {
        const target = String(req.headers["x-amz-target"] ?? "");
        const operation = target.startsWith("secretsmanager.") ? operations[target.slice(15)] : undefined;
        if (!operation) return awsError(400, "UnknownOperationException", `Unknown operation ${target}`);
        ctx.count(target.slice(15));
        const input = parseJsonBody(req);
        if (!input) return awsError(400, "SerializationException", "Request body must be a JSON object");
        if (typeof input["SecretId"] === "string") ctx.count(`${target.slice(15)} ${input["SecretId"]}`);
        return operation(input);
      },
    },
  ];

  const emulator = new Emulator({ name: "secretsmanager", routes, dialect, seed: options.seed });
  return {
    emulator,
    region,
    putSecret,
    /** The current value of a secret, or undefined. */
    getSecret(name: string): string | undefined {
      return secrets.get(name)?.versions.find((v) => v.stages.includes("AWSCURRENT"))?.secretString;
    },
    deleteSecret(name: string): void {
      secrets.delete(name);
    },
    /** Deletes every secret. */
    clear(): void {
      secrets.clear();
    },
  };
}

export type SecretsManagerEmulator = ReturnType<typeof createSecretsManagerEmulator>;
