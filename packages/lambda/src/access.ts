import { DirgateError } from "@dirgate/core";
import type { ConnectionConfig } from "@dirgate/providers";

/**
 * Who may use a connection, on every entry point (README, "Reliability and security"):
 *
 * - **HTTP API** — API Gateway authenticates the caller (SigV4 or the JWT authorizer) and hands
 *   its authorizer context on; `callerIdentities` reads it.
 * - **SQS batch** — the caller is whoever sent the record: `SenderId`, which SQS sets from the
 *   sender's credentials (`batchIdentities`). The queue policy decides who may send at all.
 * - **Direct invocation** — Lambda passes no caller identity: IAM (`lambda:InvokeFunction`) decides
 *   who may invoke, and a connection with an `allow` list refuses direct invocations.
 * - **Provider callbacks** — not callers of the API: authenticated by the provider's own signature
 *   with the connection's callback credentials (callback.ts); `allow` does not apply.
 *
 * Identities (and `allow` entries) are namespaced so that one kind can never pass for another:
 * `iam:<principal ARN>` (an assumed-role session is its role: the session name is chosen by whoever
 * assumes the role), `aws-id:<unique id>` (a role's RoleId `AROA…`, a user's `AIDA…`, the account id
 * for root; the same on HTTP and in batches), `jwt-sub:<subject>`, `scope:<JWT scope>`.
 */
export type Identity = string;

/** The identities of an HTTP API caller, from API Gateway's authorizer context (none without one). */
export function callerIdentities(event: unknown): Identity[] {
  const authorizer = (event as { requestContext?: { authorizer?: Record<string, unknown> } })?.requestContext
    ?.authorizer;
  if (!authorizer) return [];
  const out: Identity[] = [];
  const iam = authorizer["iam"] as { userArn?: unknown; userId?: unknown } | undefined;
  if (typeof iam?.userArn === "string" && iam.userArn) out.push(`iam:${canonicalArn(iam.userArn)}`);
  const awsId = uniqueId(iam?.userId);
  if (awsId) out.push(awsId);
  const jwt = authorizer["jwt"] as { claims?: Record<string, unknown>; scopes?: unknown } | undefined;
  if (jwt) {
    const sub = jwt.claims?.["sub"];
    if (typeof sub === "string" && sub) out.push(`jwt-sub:${sub}`);
    const scopes = new Set<string>();
    if (Array.isArray(jwt.scopes))
      for (const scope of jwt.scopes) if (typeof scope === "string" && scope) scopes.add(scope);
    const claimScopes = jwt.claims?.["scope"];
    if (typeof claimScopes === "string")
      for (const scope of claimScopes.split(" ")) if (scope) scopes.add(scope);
    for (const scope of scopes) out.push(`scope:${scope}`);
  }
  return out;
}

/**
 * The identity of an SQS record's sender: `SenderId`, set by SQS from the credentials that sent it
 * (`AROA…:session` for a role, `AIDA…` for a user, the account id for root), never by the sender.
 * The session part is dropped, as for HTTP callers. A record without one has no identity.
 */
export function batchIdentities(record: { attributes?: { SenderId?: unknown } }): Identity[] {
  const id = uniqueId(record?.attributes?.SenderId);
  return id ? [id] : [];
}

/** Throws FORBIDDEN unless the connection lets one of the caller's identities use it. */
export function assertAllowed(id: string, config: ConnectionConfig, identities: readonly Identity[]): void {
  const allow = config.allow;
  if (!allow) return;
  const granted = new Set(allow.map(allowEntry));
  if (!identities.some((identity) => granted.has(identity))) {
    throw new DirgateError("FORBIDDEN", `this caller may not use connection ${id}`);
  }
}

/**
 * An `allow` entry in its namespaced, canonical form. Entries written before the namespaces keep
 * their meaning: a plain ARN is an IAM principal, `scope:` a JWT scope, anything else a JWT subject.
 */
export function allowEntry(entry: string): Identity {
  if (entry.startsWith("iam:")) return `iam:${canonicalArn(entry.slice(4))}`;
  if (entry.startsWith("arn:")) return `iam:${canonicalArn(entry)}`;
  if (entry.startsWith("aws-id:") || entry.startsWith("jwt-sub:") || entry.startsWith("scope:")) return entry;
  return `jwt-sub:${entry}`;
}

/**
 * One ARN per principal: an assumed-role session (`arn:aws:sts::A:assumed-role/R/session`) is its
 * role, and a role or user is named without its path (names are unique in an account; the session
 * ARN carries no path).
 */
export function canonicalArn(arn: string): string {
  const session = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (session) return `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`;
  const named = /^arn:([\w-]+):iam::(\d{12}):(role|user)\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  if (named) return `arn:${named[1]}:iam::${named[2]}:${named[3]}/${named[4]}`;
  return arn;
}

/**
 * `aws-id:<id>` from an AWS unique id: a role's `AROA…:session` is its RoleId (the session dropped),
 * a user's `AIDA…` and the root's account id are themselves. A federated user's `account:name` has
 * no unique id of its own (it would read as the account's root): no aws-id identity.
 */
function uniqueId(value: unknown): Identity | undefined {
  if (typeof value !== "string") return undefined;
  const [id = "", session] = value.split(":");
  if (session !== undefined && !id.startsWith("AROA")) return undefined;
  return /^[A-Za-z0-9]{1,128}$/.test(id) ? `aws-id:${id}` : undefined;
}
