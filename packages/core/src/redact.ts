/**
 * Strips credentials from text before it can reach an error, a log line or a response:
 * `access_token=…`, `appsecret=…`, `app_secret`, `client_secret`, Authorization headers, Bearer and
 * Basic credentials, and any exact secret value the caller names.
 */
const PATTERNS: [RegExp, string][] = [
  [
    /((?:access_token|appsecret|app_secret|client_secret|corpsecret|appkey_secret|tenant_access_token)["']?\s*[=:]\s*["']?)[^&"'\s,}]+/gi,
    "$1[REDACTED]",
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, "$1 [REDACTED]"],
  [/("?authorization"?\s*[:=]\s*"?)[^",}\n]+/gi, "$1[REDACTED]"],
];

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  return out;
}
