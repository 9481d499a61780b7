/**
 * Strips credentials from text before it can reach an error, a log line or a response: the value
 * of any credential-named key (`access_token=…`, `"clientSecret":"…"`, `refresh_token: …`, the
 * `x-acs-dingtalk-access-token` header, …, in snake, kebab or camel case), Authorization headers,
 * Bearer and Basic credentials, and any exact secret value the caller names. Ordinary words are
 * left alone: `Basic authentication`, `dingtalk.token: no access token`, `nextPageToken` stay
 * readable (the scrubber runs over dirgate's own messages too).
 */

/** Credential names, each part separated by `_`, `-` or nothing (any case). */
const KEYS = [
  "access token",
  "refresh token",
  "id token",
  "tenant access token",
  "app access token",
  "user access token",
  "suite access token",
  "x acs dingtalk access token",
  "x amz security token",
  "security token",
  "session token",
  "secret access key",
  "app secret",
  "appkey secret",
  "client secret",
  "corp secret",
  "suite secret",
  "aes key",
  "encoding aes key",
  "encrypt key",
  "verification token",
  "password",
  "passwd",
].map((key) => key.split(" ").join("[_-]?"));

/** A key (not part of a longer name), its separator, and the value up to a delimiter. */
const KEY_VALUE = new RegExp(
  `((?<![A-Za-z0-9])(?:${KEYS.join("|")})(?![A-Za-z0-9])["']?\\s*[=:]\\s*["']?)(?!\\[REDACTED\\])[^&"'\\s,;}]+`,
  "gi",
);

/** `Bearer <token>` / `Basic <credentials>`. */
const SCHEME = /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=-]+)/gi;

/** A plain word after the scheme is prose (`Basic authentication`, `Bearer token.`), not a credential. */
const PROSE = /^[A-Za-z][a-z]*[.,]?$/;

const AUTHORIZATION = /("?authorization"?\s*[:=]\s*"?)(?![\s"]*\[REDACTED\])[^",}\n]+/gi;

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
    .replace(KEY_VALUE, "$1[REDACTED]")
    .replace(SCHEME, (match, scheme: string, credential: string) =>
      PROSE.test(credential) ? match : `${scheme} [REDACTED]`,
    )
    .replace(AUTHORIZATION, "$1[REDACTED]");
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  return out;
}
