import { readFileSync } from "node:fs";
import {
  type DirectoryUser,
  DirgateError,
  inputSchema,
  type OperationName,
  type TokenCache,
  type TokenGrant,
} from "@dirgate/core";
import { createRuntime, readSettings } from "@dirgate/lambda";
import {
  type ConnectionConfig,
  ConnectionConfigSchema,
  PROVIDER_TABLE,
  type ProviderClient,
} from "@dirgate/providers";
import { Failure, UsageError } from "./cli-errors.ts";
import { CALLBACK_FLAGS, type ConnectionsCliIo, FIELD_FLAGS, type Values } from "./connections-options.ts";
import {
  type AwsCredentials,
  DEFAULT_SECRETS_MANAGER_PORT,
  expandEndpoint,
  isLoopback,
  readLocalEnvironment,
  resolveAws,
} from "./environment.ts";

/** Where the secrets are, and how to call it. */
interface Store {
  endpoint: string;
  region: string;
  prefix: string;
  credentials: AwsCredentials;
  /** No endpoint was named: the local sandbox's, found on its well-known port. */
  local: boolean;
}

/** The commands of `npm run connections` (connections-cli.ts parses the command line). */
export type Command = "list" | "show" | "test" | "add" | "remove";

/** Runs a parsed command: add's fields are checked before anything is called. */
export async function runCommand(
  command: Command,
  id: string | undefined,
  values: Values,
  io: ConnectionsCliIo,
): Promise<number> {
  const fields = command === "add" ? connectionFromFlags(values, io) : undefined;
  if (fields) validateConnection(fields);
  const store = await locate(values, io.env);
  switch (command) {
    case "list":
      return list(store, io);
    case "show":
      return show(store, id!, io);
    case "test":
      return test(store, id!, values, io);
    case "add":
      return add(store, id!, fields!, values["force"] === true, io);
    default:
      return remove(store, id!, values["force"] === true, io);
  }
}

/** The Secrets Manager to use, from the flags and the environment `npm start` reads. */
async function locate(values: Values, env: Record<string, string | undefined>): Promise<Store> {
  const local = readLocalEnvironment({
    ...env,
    ...(typeof values["endpoint"] === "string"
      ? { DIRGATE_SECRETS_MANAGER_ENDPOINT: values["endpoint"] }
      : {}),
    ...(typeof values["prefix"] === "string" ? { DIRGATE_SECRET_PREFIX: values["prefix"] } : {}),
    ...(typeof values["region"] === "string" ? { AWS_REGION: values["region"] } : {}),
  });
  const named = local.secretsManagerEndpoint;
  const real = named !== undefined && (named === "aws" || !isLoopback(named));
  const aws = await resolveAws(env, { region: local.region, real, fallbackRegion: "us-east-1" });
  return {
    endpoint:
      named === undefined
        ? `http://127.0.0.1:${DEFAULT_SECRETS_MANAGER_PORT}`
        : expandEndpoint(named, "secretsmanager", aws.region),
    region: aws.region,
    prefix: local.secretPrefix.replace(/\/+$/, ""),
    credentials:
      named === undefined ? { accessKeyId: "sandbox", secretAccessKey: "sandbox" } : aws.credentials,
    local: named === undefined,
  };
}

async function secretsClient(store: Store) {
  const sm = await import("@aws-sdk/client-secrets-manager");
  const client = new sm.SecretsManagerClient({
    endpoint: store.endpoint,
    region: store.region,
    credentials: store.credentials,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
  return { sm, client };
}

/** One line on what went wrong calling Secrets Manager (never a credential). */
function explainAws(error: unknown, store: Store, what: string): Failure {
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  const network =
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|TimeoutError/;
  const text = `${e.name ?? ""} ${e.code ?? ""} ${e.cause?.code ?? ""} ${e.message ?? ""}`;
  if (network.test(text)) {
    return new Failure(
      `no Secrets Manager answers at ${store.endpoint} (${(network.exec(text) ?? ["unreachable"])[0]})` +
        (store.local
          ? ": start `npm start` (or `npm run sandbox`), or name one with DIRGATE_SECRETS_MANAGER_ENDPOINT"
          : ""),
    );
  }
  if (e.name === "AccessDeniedException") {
    return new Failure(`not allowed to ${what}: ${e.message} (check your role's secretsmanager permissions)`);
  }
  if (
    /UnrecognizedClient|InvalidSignature|ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch/.test(text)
  ) {
    return new Failure(`AWS rejected your credentials (${e.name}): check AWS_PROFILE / AWS_ACCESS_KEY_ID`);
  }
  return new Failure(`cannot ${what}: ${e.name ?? "error"}: ${e.message ?? ""}`);
}

const secretName = (store: Store, id: string) => `${store.prefix}/connections/${id}`;

async function list(store: Store, io: ConnectionsCliIo): Promise<number> {
  const { sm, client } = await secretsClient(store);
  const base = `${store.prefix}/connections/`;
  try {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await client
        .send(
          new sm.ListSecretsCommand({
            Filters: [{ Key: "name", Values: [base] }],
            MaxResults: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        )
        .catch((error: unknown) => {
          throw explainAws(error, store, "list secrets");
        });
      for (const s of page.SecretList ?? []) if (s.Name?.startsWith(base)) names.push(s.Name);
      token = page.NextToken;
    } while (token);
    names.sort();
    // The provider is in the value: read each (values never leave this function).
    const rows = await Promise.all(
      names.map(async (name) => {
        const id = name.slice(base.length);
        try {
          const got = await client.send(new sm.GetSecretValueCommand({ SecretId: name }));
          const parsed = ConnectionConfigSchema.safeParse(JSON.parse(got.SecretString ?? "null"));
          return [id, parsed.success ? parsed.data.provider : "(not a valid connection)"];
        } catch (error) {
          const e = error as { name?: string };
          return [id, e.name === "SyntaxError" ? "(not JSON)" : `(unreadable: ${e.name ?? "error"})`];
        }
      }),
    );
    io.out(`${rows.length} connection${rows.length === 1 ? "" : "s"} in ${store.endpoint} under ${base}\n`);
    const width = Math.max(2, ...rows.map(([id]) => id!.length));
    for (const [id, provider] of rows) io.out(`  ${id!.padEnd(width)}  ${provider}\n`);
    return 0;
  } finally {
    client.destroy();
  }
}

/** Field names whose values are secrets (and everything under `callback`). */
const SECRET_FIELD = /secret|password|passwd|token|aes|encrypt|private|credential/i;

/** The connection with every secret value replaced by `********`. */
export function maskConnection(value: unknown, path: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => maskConnection(v, path));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskConnection(v, [...path, k])]),
    );
  }
  const secret = path[0] === "callback" || path.some((p) => SECRET_FIELD.test(p));
  return secret && typeof value === "string" && value !== "" ? "********" : value;
}

async function readSecret(store: Store, id: string): Promise<string> {
  const { sm, client } = await secretsClient(store);
  try {
    const got = await client.send(new sm.GetSecretValueCommand({ SecretId: secretName(store, id) }));
    if (typeof got.SecretString !== "string")
      throw new Failure(`${secretName(store, id)} holds no string value`);
    return got.SecretString;
  } catch (error) {
    if (error instanceof Failure) throw error;
    const e = error as { name?: string; message?: string };
    if (e.name === "ResourceNotFoundException") {
      throw new Failure(`no connection ${id}: no secret ${secretName(store, id)} in ${store.endpoint}`);
    }
    if (e.name === "InvalidRequestException" && /deletion/i.test(e.message ?? "")) {
      throw new Failure(`connection ${id} is scheduled for deletion (aws secretsmanager restore-secret)`);
    }
    throw explainAws(error, store, `read ${secretName(store, id)}`);
  } finally {
    client.destroy();
  }
}

async function show(store: Store, id: string, io: ConnectionsCliIo): Promise<number> {
  const text = await readSecret(store, id);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Failure(`${secretName(store, id)} is not JSON (not a connection)`);
  }
  io.out(`${secretName(store, id)} (${store.endpoint})\n`);
  io.out(`${JSON.stringify(maskConnection(value), null, 2)}\n`);
  const parsed = ConnectionConfigSchema.safeParse(value);
  if (parsed.success) {
    io.out(`valid ${parsed.data.provider} connection\n`);
    return 0;
  }
  io.out(`NOT a valid connection: ${issueList(parsed.error.issues)}\n`);
  return 1;
}

/** Field paths and zod's messages (which never quote a value). */
function issueList(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ");
}

/** The connection the flags, `--json` and `--file` describe (later ones win), not yet validated. */
function connectionFromFlags(values: Values, io: ConnectionsCliIo): Record<string, unknown> {
  const readJson = (text: string, from: string) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UsageError(`${from} is not JSON`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new UsageError(`${from} is not a JSON object`);
    }
    return value as Record<string, unknown>;
  };
  let fields: Record<string, unknown> = {};
  if (typeof values["file"] === "string") {
    const file = values["file"];
    let text: string;
    try {
      text = file === "-" ? (io.stdin ?? (() => readFileSync(0, "utf8")))() : readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
    }
    fields = readJson(text, `--file ${file}`);
  }
  if (typeof values["json"] === "string") fields = { ...fields, ...readJson(values["json"], "--json") };
  if (typeof values["provider"] === "string") fields["provider"] = values["provider"];
  for (const [flag, field] of Object.entries(FIELD_FLAGS)) {
    if (typeof values[flag] === "string") fields[field] = values[flag];
  }
  const callback: Record<string, unknown> = {
    ...(fields["callback"] as Record<string, unknown> | undefined),
  };
  for (const [flag, field] of Object.entries(CALLBACK_FLAGS)) {
    if (typeof values[flag] === "string") callback[field] = values[flag];
  }
  if (Object.keys(callback).length > 0) fields["callback"] = callback;
  if (Array.isArray(values["expose"])) fields["expose"] = values["expose"].flatMap((e) => e.split(","));
  if (Array.isArray(values["allow"])) fields["allow"] = values["allow"];
  if (typeof values["rate-limit"] === "string") {
    const perSecond = Number(values["rate-limit"]);
    if (!(perSecond > 0)) throw new UsageError("--rate-limit is a number of calls per second above 0");
    fields["rateLimit"] = { perSecond };
  }
  if (fields["provider"] === undefined) {
    throw new UsageError(`add needs --provider (${Object.keys(PROVIDER_TABLE).join(", ")})`);
  }
  return fields;
}

/** Validates with the connection schema (and refuses fields it does not know, which it would drop). */
function validateConnection(fields: Record<string, unknown>): ConnectionConfig {
  const provider = String(fields["provider"]);
  const branch = ConnectionConfigSchema.options.find((o) => o.shape.provider.value === provider);
  if (!branch) {
    throw new UsageError(`--provider ${provider} is not one of ${Object.keys(PROVIDER_TABLE).join(", ")}`);
  }
  const unknown = Object.keys(fields).filter((k) => !(k in branch.shape));
  if (unknown.length > 0) {
    throw new UsageError(
      `not ${provider} connection fields: ${unknown.join(", ")} (it takes ${Object.keys(branch.shape).join(", ")})`,
    );
  }
  const parsed = ConnectionConfigSchema.safeParse(fields);
  if (!parsed.success)
    throw new UsageError(`not a valid ${provider} connection: ${issueList(parsed.error.issues)}`);
  return parsed.data;
}

async function add(
  store: Store,
  id: string,
  fields: Record<string, unknown>,
  force: boolean,
  io: ConnectionsCliIo,
): Promise<number> {
  validateConnection(fields);
  const name = secretName(store, id);
  const value = JSON.stringify(fields);
  const { sm, client } = await secretsClient(store);
  try {
    try {
      await client.send(
        new sm.CreateSecretCommand({
          Name: name,
          SecretString: value,
          Description: `dirgate connection ${id} (${String(fields["provider"])})`,
        }),
      );
      io.out(`added ${id} (${String(fields["provider"])}): ${name} in ${store.endpoint}\n`);
      return 0;
    } catch (error) {
      if ((error as { name?: string }).name !== "ResourceExistsException") {
        throw explainAws(error, store, `create ${name}`);
      }
      if (!force) throw new Failure(`connection ${id} exists (${name}): --force replaces its value`);
    }
    try {
      await client.send(new sm.PutSecretValueCommand({ SecretId: name, SecretString: value }));
    } catch (error) {
      const e = error as { name?: string; message?: string };
      if (e.name === "InvalidRequestException" && /deletion/i.test(e.message ?? "")) {
        throw new Failure(
          `connection ${id} is scheduled for deletion: restore it first (aws secretsmanager restore-secret --secret-id ${name})`,
        );
      }
      throw explainAws(error, store, `update ${name}`);
    }
    io.out(`replaced ${id} (${String(fields["provider"])}): a new version of ${name} in ${store.endpoint}\n`);
    io.out("running functions pick it up when their cached copy expires (DIRGATE_SECRET_CACHE_SECONDS)\n");
    return 0;
  } finally {
    client.destroy();
  }
}

async function remove(store: Store, id: string, force: boolean, io: ConnectionsCliIo): Promise<number> {
  const name = secretName(store, id);
  const { sm, client } = await secretsClient(store);
  try {
    const answer = await client
      .send(
        new sm.DeleteSecretCommand({
          SecretId: name,
          ...(force ? { ForceDeleteWithoutRecovery: true } : {}),
        }),
      )
      .catch((error: { name?: string; message?: string }) => {
        if (error.name === "ResourceNotFoundException") throw new Failure(`no connection ${id} (${name})`);
        if (error.name === "InvalidRequestException" && /deletion/i.test(error.message ?? "")) {
          throw new Failure(`connection ${id} is already scheduled for deletion (--force deletes it now)`);
        }
        throw explainAws(error, store, `delete ${name}`);
      });
    io.out(
      force
        ? `removed ${id}: ${name} deleted now, without recovery\n`
        : `removed ${id}: ${name} is scheduled for deletion on ${answer.DeletionDate?.toISOString() ?? "(in 30 days)"} (aws secretsmanager restore-secret --secret-id ${name} brings it back)\n`,
    );
    return 0;
  } finally {
    client.destroy();
  }
}

/** The credential fields of each provider, named when upstream rejects them. */
const CREDENTIALS: Record<string, string> = {
  dingtalk: "appKey / appSecret (the app's AppKey and AppSecret)",
  feishu: "appId / appSecret (the app's App ID and App Secret; baseUrl https://open.larksuite.com for Lark)",
  wecom: "corpId / corpSecret (the corp's 企业ID and this app's Secret)",
  eiam: "clientId / clientSecret, and clientAuth (basic for Bamboocloud, form for Huawei OneAccess)",
};

/** What a provider app needs to read the directory, named when a call lacks a permission. */
const SCOPES: Record<string, string> = {
  dingtalk:
    "the app's contact permissions (通讯录只读权限: 成员信息读权限, 部门信息读权限) and its 通讯录范围",
  feishu:
    "the app's contact scopes (contact:user.base:readonly, contact:department.base:readonly, …) and its 通讯录权限范围, then publish a new version",
  wecom: "the app's 可见范围 (visibility scope), or use the contact-sync (通讯录同步) secret",
  eiam: "the client's API permissions (user and organisation read) in the EIAM console",
};

/** Upstream codes for "outside the app's visibility/contact scope" (the app works, it sees part of the org). */
const OUT_OF_SCOPE = new Set(["60011", "40004", "41050", "50004"]);

const NETWORK =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|CERT|certificate|SSL|TLS/;

/** Watches a token cache: whether a token was fetched (the first step of every upstream call). */
function watch(cache: TokenCache): { fetched: boolean } {
  const state = { fetched: false };
  const get = cache.get.bind(cache);
  cache.get = (key: string, grant: () => Promise<TokenGrant>) =>
    get(key, async () => {
      const granted = await grant();
      state.fetched = true;
      return granted;
    });
  return state;
}

async function test(store: Store, id: string, values: Values, io: ConnectionsCliIo): Promise<number> {
  const name = secretName(store, id);
  const say = (step: string, state: string, text: string) =>
    io.out(`  ${step.padEnd(10)} ${state.padEnd(6)} ${text}\n`);
  io.out(`${id}: ${name} in ${store.endpoint}\n`);
  // The functions' own path (createRuntime: the secret reader, the connection store's checks,
  // createProviderClient), configured as `npm start` configures them; its token cache watched.
  const runtime = createRuntime(
    readSettings({
      DIRGATE_SECRETS_MANAGER_ENDPOINT: store.endpoint,
      DIRGATE_SECRET_PREFIX: store.prefix,
      AWS_REGION: store.region,
      AWS_ACCESS_KEY_ID: store.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: store.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: store.credentials.sessionToken,
      DIRGATE_UNKNOWN_CONNECTION_SECONDS: "0",
      DIRGATE_SECRET_TIMEOUT_MS: "5000",
      DIRGATE_ALLOW_LOOPBACK_BASE_URL: io.env["DIRGATE_ALLOW_LOOPBACK_BASE_URL"],
      LOG_LEVEL: "SILENT",
    }),
    { http: { maxAttempts: 2, baseDelayMs: 100 } },
  );
  const tokens = watch(runtime.deps.tokens);
  const connections = runtime.connections;
  let client: ProviderClient;
  let config: ConnectionConfig;
  try {
    const loaded = await connections.get(id);
    client = loaded.client;
    config = loaded.config;
  } catch (error) {
    const e = error as DirgateError;
    const why =
      e.code === "CONNECTION_NOT_FOUND"
        ? `no secret ${name}`
        : e.code === "CONFIG_INVALID"
          ? `${e.message} (npm run connections -- show ${id})`
          : e.code === "UPSTREAM_UNAVAILABLE"
            ? `the secret store at ${store.endpoint} is unavailable${store.local ? " (is npm start running?)" : ""}`
            : e.message;
    say("secret", "FAILED", why);
    io.out(`FAILED: ${e.code === "CONFIG_INVALID" ? "invalid connection secret" : why}\n`);
    return 1;
  }
  const base = config.baseUrl ?? PROVIDER_TABLE[config.provider].transport.defaultBaseUrl ?? "(default)";
  say("secret", "ok", `a valid ${config.provider} connection, provider API ${base}`);

  const run = <N extends OperationName>(op: N, input: Record<string, unknown>) =>
    client.run(op, inputSchema(op).parse(input) as never);
  let found: { user?: DirectoryUser; note?: string };
  try {
    found = await probe(values, run);
  } catch (error) {
    return explainFailure(error, config, base, tokens, say, io);
  }
  say("token", "ok", "issued by the provider");
  if (found.user) {
    say("user", "ok", `${found.user.id} (${found.user.name}, status ${found.user.status})`);
  } else {
    say("user", "note", found.note ?? "");
  }
  io.out("OK\n");
  return 0;
}

/**
 * The cheapest calls that fetch a token and one user: the user named (`--user`, `--mobile`,
 * `--email`); else the root department's first member, or the first member of one of its first
 * 20 departments (at most 22 calls; `root` is each provider's root department).
 */
async function probe(
  values: Values,
  run: <N extends OperationName>(op: N, input: Record<string, unknown>) => Promise<unknown>,
): Promise<{ user?: DirectoryUser; note?: string }> {
  if (typeof values["user"] === "string") {
    return { user: (await run("userById", { userId: values["user"] })) as DirectoryUser };
  }
  if (typeof values["mobile"] === "string") {
    return { user: (await run("userByMobile", { mobile: values["mobile"] })) as DirectoryUser };
  }
  if (typeof values["email"] === "string") {
    return { user: (await run("userByEmail", { email: values["email"] })) as DirectoryUser };
  }
  const root = "root";
  type Page = { items: DirectoryUser[] };
  try {
    const first = (await run("departmentUsers", { departmentId: root, pageSize: 1 })) as Page;
    if (first.items[0]) return { user: first.items[0] };
    const children = (await run("departmentChildren", { departmentId: root, pageSize: 20 })) as {
      items: { id: string }[];
    };
    for (const child of children.items) {
      const page = (await run("departmentUsers", { departmentId: child.id, pageSize: 1 })) as Page;
      if (page.items[0]) return { user: page.items[0] };
    }
    return { note: "nobody in the root department or the first level under it (--user ID reads one)" };
  } catch (error) {
    if (
      error instanceof DirgateError &&
      error.upstream?.code &&
      OUT_OF_SCOPE.has(lastCode(error.upstream.code))
    ) {
      return {
        note: `the root department is outside the app's visibility scope (upstream ${error.upstream.code}): the app sees part of the organisation; --user ID reads a member it sees`,
      };
    }
    throw error;
  }
}

/** DingTalk reports wrapped codes as `88/60011`. */
function lastCode(code: string): string {
  return code.split("/").pop() ?? code;
}

/** Names the failing step and the problem: credentials, scope, trusted IP, reachability. */
function explainFailure(
  error: unknown,
  config: ConnectionConfig,
  base: string,
  tokens: { fetched: boolean },
  say: (step: string, state: string, text: string) => void,
  io: ConnectionsCliIo,
): number {
  const e =
    error instanceof DirgateError
      ? error
      : new DirgateError("INTERNAL", (error as Error)?.message ?? "error");
  const provider = config.provider;
  const upstream = e.upstream?.code
    ? ` (upstream ${e.upstream.code}${e.upstream.message ? `: ${e.upstream.message}` : ""})`
    : "";
  const tokenStep = !tokens.fetched;
  let kind: string;
  let detail: string;
  if (NETWORK.test(e.message) || (e.code === "UPSTREAM_TIMEOUT" && tokenStep)) {
    kind = "unreachable host";
    detail = `${base} does not answer from here (${e.message})`;
  } else if (e.code === "UPSTREAM_AUTH_FAILED") {
    kind = tokenStep ? "bad credentials" : "token rejected";
    detail = tokenStep
      ? `the provider rejected ${CREDENTIALS[provider]}${upstream}`
      : `the provider rejected a freshly issued token${upstream}`;
  } else if (
    e.code === "PROVIDER_PERMISSION_DENIED" &&
    e.upstream?.code &&
    lastCode(e.upstream.code) === "60020"
  ) {
    kind = "untrusted IP";
    detail = `this machine's egress IP is not among the app's trusted IPs (WeCom 企业可信IP / DingTalk IP whitelist)${upstream}: add it, or test from the deployment's fixed egress`;
  } else if (e.code === "PROVIDER_PERMISSION_DENIED") {
    kind = "missing permission";
    detail = `grant ${SCOPES[provider]}${upstream}`;
  } else if (e.code === "UPSTREAM_RATE_LIMITED") {
    kind = "rate limited";
    detail = `by the provider${upstream}: try again later`;
  } else if (e.code === "USER_NOT_FOUND") {
    kind = "user not found";
    detail = `no such user, or outside the app's visibility${upstream}`;
  } else {
    kind = e.code;
    detail = `${e.message}${upstream}`;
  }
  const problem = `${kind}: ${detail}`;
  if (tokenStep) {
    say("token", "FAILED", problem);
  } else {
    say("token", "ok", "issued by the provider");
    say("user", "FAILED", problem);
  }
  io.out(`FAILED: ${kind}\n`);
  return 1;
}
