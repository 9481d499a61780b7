import type { LogItem } from "@aws-lambda-powertools/logger";
import { Logger } from "@aws-lambda-powertools/logger";
import { OPERATION_NAMES, type OperationName } from "@dirgate/core";
import {
  createRuntime,
  operationMiddlewares,
  type RuntimeOverrides,
  readSettings,
  runOperation,
} from "@dirgate/lambda";
import { demoSecretValues, type Sandbox } from "@dirgate/sandbox";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { expect } from "vitest";
import { invoke } from "../helpers/lambda.ts";

/**
 * What each reliability suite shares: the operation handlers composed exactly as `functions/*.ts`
 * compose them, but with a logger that records every line it prints (injected, nothing patched),
 * and the material a suite produced (log lines, answers, tokens) for its redaction checks.
 */

/** A Powertools Logger that keeps the JSON lines it would print, in the format it prints them. */
class RecordingLogger extends Logger {
  constructor(
    private readonly lines: string[],
    level: "DEBUG" | "INFO",
  ) {
    super({ serviceName: "dirgate", logLevel: level });
  }

  protected override printLog(_level: number, log: LogItem): void {
    log.prepareForPrint();
    this.lines.push(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface Material {
  logLines: string[];
  bodies: string[];
  tokens: Set<string>;
}

export interface Harness extends Material {
  handlers: Record<OperationName, Handler>;
  /** Invokes the operation's handler with an API Gateway event, keeping the answer. */
  call(operation: OperationName, event: unknown): ReturnType<typeof invoke>;
  /** Keeps every token the sandbox issued so far (it forgets them on reset). */
  collectTokens(): void;
}

/** Handlers against the sandbox, with recorded logs (DEBUG: the most there is to leak). */
export function createHarness(
  sbx: Sandbox,
  env: Record<string, string> = {},
  http: RuntimeOverrides["http"] = {},
): Harness {
  const logLines: string[] = [];
  const bodies: string[] = [];
  const tokens = new Set<string>();
  const described = sbx.describe();
  const settings = readSettings({
    DIRGATE_SECRET_PREFIX: sbx.secretPrefix,
    DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
    AWS_REGION: described.secretsManager.region,
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    LOG_LEVEL: "DEBUG",
    ...env,
  });
  const runtime = createRuntime(settings, { logger: new RecordingLogger(logLines, "DEBUG"), http });
  const handlers = Object.fromEntries(
    OPERATION_NAMES.map((name) => [
      name,
      middy().use(operationMiddlewares(name, runtime)).handler(runOperation(name)) as unknown as Handler,
    ]),
  ) as Record<OperationName, Handler>;
  return {
    logLines,
    bodies,
    tokens,
    handlers,
    async call(operation, event) {
      const answer = await invoke(handlers[operation], event);
      bodies.push(answer.body);
      return answer;
    },
    collectTokens() {
      for (const t of [
        ...sbx.dingtalk.issuedTokens(),
        ...sbx.feishu.issuedTokens(),
        ...sbx.eiam.issuedTokens(),
      ])
        tokens.add(t);
    },
  };
}

/** Values that must never appear in a log line or an answer. */
export function secretValues(): string[] {
  return [...demoSecretValues(), "no-longer-valid", "s3cr3t-xyz"];
}

/**
 * Asserts that no log line or answer holds a secret, a token, a sensitive EIAM field, or an
 * `access_token=` value, and that no log line holds an unmasked mobile. Returns what was checked.
 */
export function assertNoLeaks(sbx: Sandbox, material: Material): { lines: number; answers: number } {
  const needles = [
    ...secretValues(),
    ...material.tokens,
    ...sbx.org.people.flatMap((p) =>
      [p.identityNumber, p.lastLoginIp].filter((v): v is string => Boolean(v)),
    ),
  ];
  const mobiles = sbx.org.people.flatMap((p) => (p.mobile ? [p.mobile.national] : []));
  const leaks: string[] = [];
  for (const text of [...material.logLines, ...material.bodies]) {
    for (const needle of needles) if (text.includes(needle)) leaks.push(`${needle} in ${text.slice(0, 160)}`);
    if (/access_token=(?!\[REDACTED\])[^&\s"]/.test(text))
      leaks.push(`access_token= in ${text.slice(0, 160)}`);
    if (/attr_identity_number|attr_birthday|last_login_ip/.test(text))
      leaks.push(`sensitive field in ${text.slice(0, 160)}`);
  }
  for (const line of material.logLines)
    for (const mobile of mobiles)
      if (line.includes(mobile)) leaks.push(`mobile ${mobile} in log ${line.slice(0, 160)}`);
  expect(leaks).toEqual([]);
  return { lines: material.logLines.length, answers: material.bodies.length };
}
