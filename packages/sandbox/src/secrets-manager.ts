import { randomUUID } from "node:crypto";
import {
  type Dialect,
  Emulator,
  type EmulatorOptions,
  type EmulatorRequest,
  parseJsonBody,
  type Reply,
  type Route,
} from "./emulator.ts";
import { alnum, createRng } from "./rng.ts";

/**
 * AWS Secrets Manager emulator speaking the AWS JSON 1.1 protocol (`POST /`, `X-Amz-Target:
 * secretsmanager.<Operation>`), so the real `@aws-sdk/client-secrets-manager` and the real `aws` CLI
 * work against it with an endpoint override and dummy credentials. Requests must be SigV4-signed
 * (the signature itself is not checked).
 *
 * Error types, HTTP statuses and messages follow AWS as recorded by LocalStack's AWS-validated
 * snapshots (`tests/aws/services/secretsmanager`) and the botocore model `secretsmanager/2017-10-17`.
 */
interface SecretVersion {
  versionId: string;
  secretString?: string;
  /** Base64, as it travels in JSON. */
  secretBinary?: string;
  createdAt: number;
  lastAccessedAt?: number;
  stages: string[];
}

interface Tag {
  Key: string;
  Value: string;
}

interface StoredSecret {
  name: string;
  arn: string;
  description?: string;
  /** Undefined until the secret is first tagged: AWS then answers `Tags`, even when empty. */
  tags?: Tag[];
  createdAt: number;
  lastChangedAt: number;
  lastAccessedAt?: number;
  /** Epoch seconds when a scheduled deletion happens; set while the secret is marked for deletion. */
  deletionDate?: number;
  /** Creation order, the tie-break of ListSecrets' default created-date order. */
  sequence: number;
  versions: SecretVersion[];
}

/** What `failGetSecretValue` can make GetSecretValue answer for one secret. */
export type SecretFailureKind = "DecryptionFailure" | "AccessDeniedException" | "InternalServiceError";

interface SecretFailure {
  kind: SecretFailureKind;
  /** Remaining answers; null = until cleared. */
  remaining: number | null;
}

export interface SecretsManagerEmulatorOptions {
  region?: string;
  seed?: number;
  /** The clock, in epoch milliseconds (scheduled deletions fall due against it). */
  now?: () => number;
}

const ACCOUNT = "000000000000";
const CONTENT_TYPE = "application/x-amz-json-1.1";
const DAY_SECONDS = 86_400;
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const FILTER_KEYS = [
  "all",
  "name",
  "tag-key",
  "description",
  "tag-value",
  "primary-region",
  "owning-service",
];
const SORT_KEYS = ["created-date", "last-accessed-date", "last-changed-date", "name"];
const MARKED_FOR_DELETION =
  "You can't perform this operation on the secret because it was marked for deletion.";
const SANDBOX_PREFIX = "/__sandbox";

/** The Secrets Manager server: stopping it also lets every paused request go. */
class SecretsManagerServer extends Emulator {
  constructor(
    options: EmulatorOptions,
    private readonly beforeStop: () => void,
  ) {
    super(options);
  }

  override async stop(): Promise<void> {
    this.beforeStop();
    await super.stop();
  }
}

/** Starts nothing: builds a Secrets Manager emulator; `emulator.start()` listens. */
export function createSecretsManagerEmulator(options: SecretsManagerEmulatorOptions = {}) {
  const region = options.region ?? "us-east-1";
  const rng = createRng(options.seed ?? 7);
  const now = options.now ?? Date.now;
  const secrets = new Map<string, StoredSecret>();
  const failures = new Map<string, SecretFailure>();
  const held = new Set<() => void>();
  let paused = false;
  let sequence = 0;

  const seconds = () => now() / 1000;
  /** AWS keeps LastAccessedDate to the day (midnight UTC). */
  const today = () => Math.floor(seconds() / DAY_SECONDS) * DAY_SECONDS;

  const awsError = (type: string, message: string, status = 400): Reply => ({
    status,
    headers: { "x-amzn-errortype": type, "content-type": CONTENT_TYPE },
    body: { __type: type, Message: message },
  });
  const ok = (body: unknown): Reply => ({ status: 200, headers: { "content-type": CONTENT_TYPE }, body });
  const notFound = () =>
    awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  const markedForDeletion = () => awsError("InvalidRequestException", MARKED_FOR_DELETION);
  const invalidParameter = (message: string) => awsError("InvalidParameterException", message);

  /** Scheduled deletions that fell due are carried out before any read. */
  function purgeExpired(): void {
    const nowSeconds = seconds();
    for (const [name, secret] of secrets) {
      if (secret.deletionDate !== undefined && secret.deletionDate <= nowSeconds) secrets.delete(name);
    }
  }

  /** A secret by name, full ARN or partial ARN (the ARN without its random 6-character suffix). */
  function find(secretId: unknown): StoredSecret | undefined {
    if (typeof secretId !== "string" || secretId === "") return undefined;
    purgeExpired();
    if (!secretId.startsWith("arn:")) return secrets.get(secretId);
    for (const secret of secrets.values()) {
      if (secret.arn === secretId || secret.arn.slice(0, -7) === secretId) return secret;
    }
    return undefined;
  }

  function createStoredSecret(name: string, fields: { description?: string; tags?: Tag[] }): StoredSecret {
    const nowSeconds = seconds();
    sequence += 1;
    const secret: StoredSecret = {
      name,
      arn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${alnum(rng, 6)}`,
      description: fields.description,
      tags: fields.tags,
      createdAt: nowSeconds,
      lastChangedAt: nowSeconds,
      sequence,
      versions: [],
    };
    secrets.set(name, secret);
    return secret;
  }

  /**
   * Adds a version carrying `stages` (AWSCURRENT by default): each stage leaves the version that
   * had it, and the version AWSCURRENT left becomes AWSPREVIOUS, as Secrets Manager does.
   */
  function addVersion(
    secret: StoredSecret,
    value: { secretString?: string; secretBinary?: string },
    versionId: string = randomUUID(),
    stages: string[] = ["AWSCURRENT"],
  ): SecretVersion {
    const nowSeconds = seconds();
    const previousCurrent = secret.versions.find((v) => v.stages.includes("AWSCURRENT"));
    for (const version of secret.versions) {
      version.stages = version.stages.filter((stage) => !stages.includes(stage));
    }
    if (stages.includes("AWSCURRENT") && previousCurrent) {
      for (const version of secret.versions) {
        version.stages = version.stages.filter((stage) => stage !== "AWSPREVIOUS");
      }
      previousCurrent.stages.push("AWSPREVIOUS");
    }
    const version: SecretVersion = { versionId, ...value, createdAt: nowSeconds, stages: [...stages] };
    secret.versions.push(version);
    secret.lastChangedAt = nowSeconds;
    return version;
  }

  /** Creates or replaces a secret from code (the sandbox preloads demo connections this way). */
  function putSecret(name: string, value: string | object): void {
    const secretString = typeof value === "string" ? value : JSON.stringify(value);
    purgeExpired();
    const secret = secrets.get(name) ?? createStoredSecret(name, {});
    secret.deletionDate = undefined;
    addVersion(secret, { secretString });
  }

  /** The value fields of a request, or Secrets Manager's error when both or neither are given. */
  function readValue(
    input: Record<string, unknown>,
    required: boolean,
  ): { secretString?: string; secretBinary?: string } | Reply | undefined {
    const secretString = typeof input["SecretString"] === "string" ? input["SecretString"] : undefined;
    const secretBinary = typeof input["SecretBinary"] === "string" ? input["SecretBinary"] : undefined;
    if (secretString !== undefined && secretBinary !== undefined) {
      return invalidParameter(
        "You can't specify both a binary secret value and a string secret value in the same secret.",
      );
    }
    if (secretString === undefined && secretBinary === undefined) {
      return required
        ? awsError("InvalidRequestException", "You must provide either SecretString or SecretBinary.")
        : undefined;
    }
    return secretString !== undefined ? { secretString } : { secretBinary };
  }

  /**
   * A new version for a write that carries a value, honouring `ClientRequestToken` as AWS does: it
   * becomes the VersionId, and a retry with the same token and value is answered with that version.
   */
  function writeVersion(
    secret: StoredSecret,
    input: Record<string, unknown>,
    value: { secretString?: string; secretBinary?: string },
    stages?: string[],
  ): SecretVersion | Reply {
    const token = typeof input["ClientRequestToken"] === "string" ? input["ClientRequestToken"] : undefined;
    if (token !== undefined && (token.length < 32 || token.length > 64)) {
      return invalidParameter("ClientRequestToken must be 32-64 characters long.");
    }
    const existing = token ? secret.versions.find((v) => v.versionId === token) : undefined;
    if (existing) {
      const same =
        existing.secretString === value.secretString && existing.secretBinary === value.secretBinary;
      return same
        ? existing
        : awsError(
            "ResourceExistsException",
            "You can't modify an existing version, you can only create a new version.",
          );
    }
    return addVersion(secret, value, token, stages);
  }

  function versionsToStages(secret: StoredSecret): Record<string, string[]> {
    return Object.fromEntries(
      secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, [...v.stages]]),
    );
  }

  /** The metadata DescribeSecret and ListSecrets share (only fields that have a value, as AWS). */
  function metadata(secret: StoredSecret): Record<string, unknown> {
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description !== undefined ? { Description: secret.description } : {}),
      LastChangedDate: secret.lastChangedAt,
      ...(secret.lastAccessedAt !== undefined ? { LastAccessedDate: secret.lastAccessedAt } : {}),
      ...(secret.deletionDate !== undefined ? { DeletedDate: secret.deletionDate } : {}),
      ...(secret.tags !== undefined ? { Tags: secret.tags.map((t) => ({ ...t })) } : {}),
      CreatedDate: secret.createdAt,
    };
  }

  function readTags(value: unknown): Tag[] | Reply {
    if (value === undefined) return [];
    if (!Array.isArray(value)) return invalidParameter("Tags must be a list.");
    const tags: Tag[] = [];
    for (const tag of value as { Key?: unknown; Value?: unknown }[]) {
      if (typeof tag?.Key !== "string" || tag.Key === "") return invalidParameter("Invalid tag key.");
      tags.push({ Key: tag.Key, Value: typeof tag.Value === "string" ? tag.Value : "" });
    }
    return tags;
  }

  /** Merges tags by key (a tag with an existing key replaces its value), keeping first-seen order. */
  function mergeTags(current: Tag[], added: Tag[]): Tag[] {
    const merged = new Map(current.map((t) => [t.Key, t.Value]));
    for (const tag of added) merged.set(tag.Key, tag.Value);
    return [...merged].map(([Key, Value]) => ({ Key, Value }));
  }

  function readPage(input: Record<string, unknown>): { start: number; max: number } | Reply {
    const max = input["MaxResults"] === undefined ? 100 : input["MaxResults"];
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 100) {
      return validationError(
        `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`,
      );
    }
    if (input["NextToken"] === undefined) return { start: 0, max };
    const start =
      typeof input["NextToken"] === "string"
        ? Number(Buffer.from(input["NextToken"], "base64").toString("utf8"))
        : Number.NaN;
    if (!Number.isInteger(start) || start < 0) {
      return awsError("InvalidNextTokenException", "The NextToken value is invalid.");
    }
    return { start, max };
  }

  const nextToken = (end: number, total: number) =>
    end < total ? { NextToken: Buffer.from(String(end)).toString("base64") } : {};

  function validationError(message: string): Reply {
    return awsError("ValidationException", message);
  }

  const operations: Record<string, (input: Record<string, unknown>) => Reply> = {
    CreateSecret(input) {
      const name = input["Name"];
      if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
        return invalidParameter(
          "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
        );
      }
      const existing = find(name);
      if (existing?.deletionDate !== undefined) {
        return awsError(
          "InvalidRequestException",
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        );
      }
      if (existing) {
        return awsError(
          "ResourceExistsException",
          `The operation failed because the secret ${name} already exists.`,
        );
      }
      const value = readValue(input, false);
      if (value && "status" in value) return value;
      const tags = readTags(input["Tags"]);
      if ("status" in tags) return tags;
      const secret = createStoredSecret(name, {
        description: typeof input["Description"] === "string" ? input["Description"] : undefined,
        tags: input["Tags"] === undefined ? undefined : tags,
      });
      const version = value ? writeVersion(secret, input, value) : undefined;
      if (version && "status" in version) {
        secrets.delete(name);
        return version;
      }
      return ok({ ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) });
    },

    DescribeSecret(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      const stages = versionsToStages(secret);
      return ok({
        ...metadata(secret),
        ...(Object.keys(stages).length > 0 ? { VersionIdsToStages: stages } : {}),
      });
    },

    GetSecretValue(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      if (secret.deletionDate !== undefined) return markedForDeletion();
      const versionId = typeof input["VersionId"] === "string" ? input["VersionId"] : undefined;
      const stage = typeof input["VersionStage"] === "string" ? input["VersionStage"] : undefined;
      let version: SecretVersion | undefined;
      if (versionId !== undefined) {
        version = secret.versions.find((v) => v.versionId === versionId);
        if (!version) {
          return awsError(
            "ResourceNotFoundException",
            `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
          );
        }
        if (stage !== undefined && !version.stages.includes(stage)) {
          return awsError(
            "InvalidRequestException",
            "You provided a VersionStage that is not associated to the provided VersionId.",
          );
        }
      } else {
        const wanted = stage ?? "AWSCURRENT";
        version = secret.versions.find((v) => v.stages.includes(wanted));
        if (!version) {
          return awsError(
            "ResourceNotFoundException",
            `Secrets Manager can't find the specified secret value for staging label: ${wanted}`,
          );
        }
      }
      secret.lastAccessedAt = today();
      version.lastAccessedAt = today();
      return ok({
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
        ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
        VersionStages: [...version.stages],
        CreatedDate: version.createdAt,
      });
    },

    PutSecretValue(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      if (secret.deletionDate !== undefined) return markedForDeletion();
      const value = readValue(input, true);
      if (!value || "status" in value) return value as Reply;
      const stages = Array.isArray(input["VersionStages"])
        ? (input["VersionStages"] as unknown[]).filter((s): s is string => typeof s === "string")
        : undefined;
      const version = writeVersion(secret, input, value, stages);
      if ("status" in version) return version;
      return ok({
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        VersionStages: [...version.stages],
      });
    },

    UpdateSecret(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      if (secret.deletionDate !== undefined) return markedForDeletion();
      const value = readValue(input, false);
      if (value && "status" in value) return value;
      const version = value ? writeVersion(secret, input, value) : undefined;
      if (version && "status" in version) return version;
      if (typeof input["Description"] === "string") {
        secret.description = input["Description"];
        secret.lastChangedAt = seconds();
      }
      return ok({ ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) });
    },

    DeleteSecret(input) {
      const window = input["RecoveryWindowInDays"];
      const force = input["ForceDeleteWithoutRecovery"] === true;
      if (window !== undefined && force) {
        return invalidParameter(
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        );
      }
      if (window !== undefined && (typeof window !== "number" || window < 7 || window > 30)) {
        return invalidParameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
      }
      const secret = find(input["SecretId"]);
      if (!secret) {
        // "If you forcibly delete an already deleted or nonexistent secret, the operation does not
        // return ResourceNotFoundException." (DeleteSecret API reference)
        return force ? ok({ Name: String(input["SecretId"] ?? ""), DeletionDate: seconds() }) : notFound();
      }
      if (force) {
        secrets.delete(secret.name);
        return ok({ ARN: secret.arn, Name: secret.name, DeletionDate: seconds() });
      }
      if (secret.deletionDate !== undefined) return markedForDeletion();
      secret.deletionDate = seconds() + ((window as number | undefined) ?? 30) * DAY_SECONDS;
      return ok({ ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletionDate });
    },

    RestoreSecret(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      secret.deletionDate = undefined;
      return ok({ ARN: secret.arn, Name: secret.name });
    },

    ListSecretVersionIds(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      const page = readPage(input);
      if ("status" in page) return page;
      const all = secret.versions.filter((v) => input["IncludeDeprecated"] === true || v.stages.length > 0);
      const end = page.start + page.max;
      return ok({
        Versions: all.slice(page.start, end).map((v) => ({
          VersionId: v.versionId,
          ...(v.stages.length > 0 ? { VersionStages: [...v.stages] } : {}),
          ...(v.lastAccessedAt !== undefined ? { LastAccessedDate: v.lastAccessedAt } : {}),
          CreatedDate: v.createdAt,
          KmsKeyIds: ["DefaultEncryptionKey"],
        })),
        ...nextToken(end, all.length),
        ARN: secret.arn,
        Name: secret.name,
      });
    },

    TagResource(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      if (secret.deletionDate !== undefined) return markedForDeletion();
      if (!Array.isArray(input["Tags"])) return invalidParameter("Tags is required.");
      const tags = readTags(input["Tags"]);
      if ("status" in tags) return tags;
      secret.tags = mergeTags(secret.tags ?? [], tags);
      return ok({});
    },

    UntagResource(input) {
      const secret = find(input["SecretId"]);
      if (!secret) return notFound();
      if (secret.deletionDate !== undefined) return markedForDeletion();
      if (!Array.isArray(input["TagKeys"])) return invalidParameter("TagKeys is required.");
      const keys = new Set(input["TagKeys"] as unknown[]);
      secret.tags = (secret.tags ?? []).filter((t) => !keys.has(t.Key));
      return ok({});
    },

    ListSecrets(input) {
      purgeExpired();
      const page = readPage(input);
      if ("status" in page) return page;
      const filters = Array.isArray(input["Filters"])
        ? (input["Filters"] as { Key?: unknown; Values?: unknown }[])
        : [];
      for (const [i, filter] of filters.entries()) {
        if (typeof filter?.Key !== "string" || !FILTER_KEYS.includes(filter.Key)) {
          return validationError(
            `1 validation error detected: Value '${String(filter?.Key)}' at 'filters.${i + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(", ")}]`,
          );
        }
      }
      const sortBy = typeof input["SortBy"] === "string" ? input["SortBy"] : "created-date";
      const sortOrder = input["SortOrder"] === "desc" ? -1 : 1;
      if (!SORT_KEYS.includes(sortBy)) {
        return validationError(
          `1 validation error detected: Value '${sortBy}' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [${SORT_KEYS.join(", ")}]`,
        );
      }
      const all = [...secrets.values()]
        .filter((s) => input["IncludePlannedDeletion"] === true || s.deletionDate === undefined)
        .filter((s) =>
          filters.every((f) =>
            matchesFilter(s, f.Key as string, Array.isArray(f.Values) ? (f.Values as string[]) : []),
          ),
        )
        .sort((a, b) => sortOrder * compareSecrets(a, b, sortBy));
      const end = page.start + page.max;
      return ok({
        SecretList: all.slice(page.start, end).map((s) => ({
          ...metadata(s),
          SecretVersionsToStages: versionsToStages(s),
        })),
        ...nextToken(end, all.length),
      });
    },
  };

  /**
   * Holds a request while the emulator is paused (for client-side timeout tests); resume(), reset()
   * and stop() let it go.
   */
  async function waitWhilePaused(): Promise<void> {
    while (paused) await new Promise<void>((resolve) => held.add(resolve));
  }

  function releaseHeld(): void {
    const waiting = [...held];
    held.clear();
    for (const release of waiting) release();
  }

  /** The failure registered for this request's secret, if any, consuming one of its answers. */
  function takeFailure(secretId: unknown): SecretFailureKind | undefined {
    if (typeof secretId !== "string") return undefined;
    const secret = find(secretId);
    const keys = [secretId, secret?.name, secret?.arn].filter((k): k is string => k !== undefined);
    const key = keys.find((k) => failures.has(k));
    const failure = key !== undefined ? failures.get(key) : undefined;
    if (!failure || key === undefined) return undefined;
    if (failure.remaining !== null) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.delete(key);
    }
    return failure.kind;
  }

  function failureReply(kind: SecretFailureKind, secretId: string): Reply {
    switch (kind) {
      case "DecryptionFailure":
        return awsError(
          "DecryptionFailure",
          "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
        );
      case "AccessDeniedException":
        return awsError(
          "AccessDeniedException",
          `User: arn:aws:iam::${ACCOUNT}:user/sandbox is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretId} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
        );
      case "InternalServiceError":
        return awsError("InternalServiceError", "An error occurred on the server side.", 500);
    }
  }

  /** Makes GetSecretValue on one secret (name or ARN) answer an error, until cleared or `count` times. */
  function failGetSecretValue(secretId: string, kind: SecretFailureKind, count?: number): void {
    if (!["DecryptionFailure", "AccessDeniedException", "InternalServiceError"].includes(kind)) {
      throw new Error(`unknown secret failure: ${String(kind)}`);
    }
    failures.set(secretId, { kind, remaining: count ?? null });
  }

  function pause(): void {
    paused = true;
  }

  function resume(): void {
    paused = false;
    releaseHeld();
  }

  const dialect: Dialect = {
    authenticate(req) {
      const auth = String(req.headers["authorization"] ?? "");
      if (!auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
        return awsError("MissingAuthenticationTokenException", "Missing Authentication Token");
      }
      return { app: auth.slice(28).split("/")[0] ?? "unknown" };
    },
    fault(kind) {
      switch (kind) {
        case "http500":
        case "busy":
          return awsError("InternalServiceError", "An error occurred on the server side.", 500);
        case "http502":
          return { status: 502, body: "<html><body>502 Bad Gateway</body></html>" };
        case "http503":
          return awsError("ServiceUnavailable", "Service unavailable.", 503);
        case "malformedJson":
          return { status: 200, headers: { "content-type": CONTENT_TYPE }, body: '{"ARN":"arn:aws' };
        case "htmlThrottle":
        case "rateLimited":
        case "punishDeny":
          return awsError("ThrottlingException", "Rate exceeded");
      }
    },
    rateLimited: () => awsError("ThrottlingException", "Rate exceeded"),
    notFound: () => awsError("UnknownOperationException", "Not Found", 404),
    revokeTokens: () => {},
    reset: () => {
      failures.clear();
      resume();
    },
  };

  /** Sandbox controls over HTTP (for tools outside the process); the same as the methods below. */
  const sandboxRoutes: Route[] = [
    {
      method: "POST",
      pattern: `${SANDBOX_PREFIX}/failures`,
      name: "sandbox",
      auth: false,
      handle(req) {
        const body = parseJsonBody(req) ?? {};
        const { secretId, error, count } = body as { secretId?: unknown; error?: unknown; count?: unknown };
        if (typeof secretId !== "string" || typeof error !== "string") {
          return { status: 400, body: { error: 'body must be {"secretId", "error", "count"?}' } };
        }
        try {
          failGetSecretValue(
            secretId,
            error as SecretFailureKind,
            typeof count === "number" ? count : undefined,
          );
        } catch (e) {
          return { status: 400, body: { error: (e as Error).message } };
        }
        return { status: 200, body: { failures: Object.fromEntries(failures) } };
      },
    },
    {
      method: "DELETE",
      pattern: `${SANDBOX_PREFIX}/failures`,
      name: "sandbox",
      auth: false,
      handle() {
        failures.clear();
        return { status: 200, body: { failures: {} } };
      },
    },
    {
      method: "POST",
      pattern: `${SANDBOX_PREFIX}/pause`,
      name: "sandbox",
      auth: false,
      handle() {
        pause();
        return { status: 200, body: { paused: true, held: held.size } };
      },
    },
    {
      method: "POST",
      pattern: `${SANDBOX_PREFIX}/resume`,
      name: "sandbox",
      auth: false,
      handle() {
        const released = held.size;
        resume();
        return { status: 200, body: { paused: false, released } };
      },
    },
  ];

  const routes: Route[] = [
    ...sandboxRoutes,
    {
      method: "POST",
      pattern: "/",
      name: "request",
      auth: true,
      async handle(req: EmulatorRequest, ctx) {
        const target = String(req.headers["x-amz-target"] ?? "");
        const name = target.startsWith("secretsmanager.") ? target.slice(15) : "";
        const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
        if (!operation) return awsError("UnknownOperationException", `Unknown operation ${target}`);
        ctx.count(name);
        const input = parseJsonBody(req);
        if (!input) return awsError("SerializationException", "Request body must be a JSON object");
        if (typeof input["SecretId"] === "string") ctx.count(`${name} ${input["SecretId"]}`);
        await waitWhilePaused();
        const failure = name === "GetSecretValue" ? takeFailure(input["SecretId"]) : undefined;
        const reply = failure ? failureReply(failure, String(input["SecretId"])) : operation(input);
        return { ...reply, headers: { ...reply.headers, "x-amzn-requestid": req.requestId } };
      },
    },
  ];

  const emulator = new SecretsManagerServer(
    { name: "secretsmanager", routes, dialect, seed: options.seed },
    resume,
  );
  return {
    emulator,
    region,
    putSecret,
    /** The current value of a secret, or undefined (also while it is scheduled for deletion). */
    getSecret(name: string): string | undefined {
      const secret = find(name);
      if (!secret || secret.deletionDate !== undefined) return undefined;
      return secret.versions.find((v) => v.stages.includes("AWSCURRENT"))?.secretString;
    },
    /** Deletes a secret at once (no recovery window). */
    deleteSecret(name: string): void {
      secrets.delete(name);
    },
    /** Deletes every secret. */
    clear(): void {
      secrets.clear();
    },
    failGetSecretValue,
    /** Removes every failure set by failGetSecretValue. */
    clearFailures(): void {
      failures.clear();
    },
    /** From now on every AWS request hangs (after counting and faults) until resume(). */
    pause,
    /** Lets every held request go and stops holding new ones. */
    resume,
    /** How many requests are held by pause() right now. */
    heldRequests: (): number => held.size,
  };
}

/** Whether a secret passes one ListSecrets filter: any positive value matches, no `!value` does. */
function matchesFilter(secret: StoredSecret, key: string, values: string[]): boolean {
  const positive = values.filter((v) => !v.startsWith("!"));
  const negative = values.filter((v) => v.startsWith("!")).map((v) => v.slice(1));
  const test = (value: string) => matchesFilterValue(secret, key, value);
  return (positive.length === 0 || positive.some(test)) && !negative.some(test);
}

/**
 * One filter value against one secret. `name`, `tag-key`, `tag-value`: case-sensitive prefix
 * (API reference). `description` and `all`: every word of the value starts a word of an attribute,
 * case-insensitive — the API reference calls `description` a prefix match, but it behaves like
 * `all` (moto's notes from testing against AWS); a whole-value prefix still matches.
 */
function matchesFilterValue(secret: StoredSecret, key: string, value: string): boolean {
  const tags = secret.tags ?? [];
  switch (key) {
    case "name":
      return secret.name.startsWith(value);
    case "tag-key":
      return tags.some((t) => t.Key.startsWith(value));
    case "tag-value":
      return tags.some((t) => t.Value.startsWith(value));
    case "description":
      return secret.description !== undefined && wordsMatch(value, [secret.description]);
    case "all":
      return wordsMatch(value, [
        secret.name,
        ...(secret.description !== undefined ? [secret.description] : []),
        ...tags.flatMap((t) => [t.Key, t.Value]),
      ]);
    case "primary-region":
      return secret.arn.split(":")[3]!.startsWith(value);
    default:
      return false;
  }
}

/** Words of a text, lower case: split at spaces and punctuation, and camelCase parts as well. */
function splitWords(text: string): string[] {
  const tokens = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const parts = tokens.flatMap((t) => t.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" "));
  return [...new Set([...tokens, ...parts].map((w) => w.toLowerCase()))];
}

function wordsMatch(value: string, attributes: string[]): boolean {
  const wanted = splitWords(value);
  if (wanted.length === 0) return false;
  return attributes.some((attribute) => {
    const words = splitWords(attribute);
    return (
      attribute.toLowerCase().startsWith(value.toLowerCase()) ||
      wanted.every((w) => words.some((word) => word.startsWith(w)))
    );
  });
}

function compareSecrets(a: StoredSecret, b: StoredSecret, sortBy: string): number {
  const byKey =
    sortBy === "name"
      ? a.name.localeCompare(b.name)
      : sortBy === "last-changed-date"
        ? a.lastChangedAt - b.lastChangedAt
        : sortBy === "last-accessed-date"
          ? (a.lastAccessedAt ?? 0) - (b.lastAccessedAt ?? 0)
          : a.createdAt - b.createdAt;
  return byKey !== 0 ? byKey : a.sequence - b.sequence;
}

export type SecretsManagerEmulator = ReturnType<typeof createSecretsManagerEmulator>;
