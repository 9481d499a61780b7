import { DirgateError } from "@dirgate/core";
import type { ConnectionConfig } from "@dirgate/providers";

/**
 * Who is calling, as API Gateway's authorizer context tells: the IAM principal ARN (and user ARN),
 * or the JWT's subject and scopes (`scope:<name>`). A direct invocation carries no identity.
 */
export function callerIdentities(event: unknown): string[] {
  const authorizer = (event as { requestContext?: { authorizer?: Record<string, unknown> } })?.requestContext
    ?.authorizer;
  if (!authorizer) return [];
  const out: string[] = [];
  const iam = authorizer["iam"] as { userArn?: string; userId?: string; callerId?: string } | undefined;
  if (iam?.userArn) out.push(iam.userArn);
  const jwt = authorizer["jwt"] as { claims?: Record<string, unknown>; scopes?: string[] | null } | undefined;
  if (typeof jwt?.claims?.["sub"] === "string") out.push(jwt.claims["sub"]);
  for (const scope of jwt?.scopes ?? []) out.push(`scope:${scope}`);
  const claimScopes = jwt?.claims?.["scope"];
  if (typeof claimScopes === "string")
    for (const scope of claimScopes.split(" ")) if (scope) out.push(`scope:${scope}`);
  return out;
}

/** Throws FORBIDDEN unless the connection lets one of the caller's identities use it. */
export function assertAllowed(id: string, config: ConnectionConfig, identities: readonly string[]): void {
  const allow = config.allow;
  if (allow && !identities.some((identity) => allow.includes(identity))) {
    throw new DirgateError("FORBIDDEN", `this caller may not use connection ${id}`);
  }
}
