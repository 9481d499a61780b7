import type { ParseArgsConfig } from "node:util";

/** The command line of `npm run connections` (connections-cli.ts parses it, connections-commands.ts runs it). */

export interface ConnectionsCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Reads standard input (`--file -`). */
  stdin?: () => string;
}

export const FIELD_FLAGS = {
  "app-key": "appKey",
  "app-secret": "appSecret",
  "user-api": "userApi",
  "app-id": "appId",
  "corp-id": "corpId",
  "corp-secret": "corpSecret",
  "client-id": "clientId",
  "client-secret": "clientSecret",
  "client-auth": "clientAuth",
  "base-url": "baseUrl",
} as const;

export const CALLBACK_FLAGS = {
  "callback-token": "token",
  "callback-aes-key": "aesKey",
  "callback-verification-token": "verificationToken",
  "callback-encrypt-key": "encryptKey",
  "callback-encoding-aes-key": "encodingAESKey",
} as const;

export const OPTIONS = {
  help: { type: "boolean", short: "h" },
  endpoint: { type: "string" },
  prefix: { type: "string" },
  region: { type: "string" },
  provider: { type: "string" },
  json: { type: "string" },
  file: { type: "string" },
  force: { type: "boolean" },
  user: { type: "string" },
  mobile: { type: "string" },
  email: { type: "string" },
  expose: { type: "string", multiple: true },
  "rate-limit": { type: "string" },
  allow: { type: "string", multiple: true },
  ...Object.fromEntries(Object.keys(FIELD_FLAGS).map((f) => [f, { type: "string" }])),
  ...Object.fromEntries(Object.keys(CALLBACK_FLAGS).map((f) => [f, { type: "string" }])),
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

export type Values = Record<string, string | boolean | string[] | undefined>;
