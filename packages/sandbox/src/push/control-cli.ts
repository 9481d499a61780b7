import { parseArgs } from "node:util";
import { DEFAULT_CONTROL_PORT } from "./control.ts";

/**
 * `npm run sandbox -- org …` / `npm run sandbox -- callbacks …`: changes a running sandbox through its
 * control server (`describe().control.baseUrl`; found with `--sandbox URL`, `DIRGATE_SANDBOX_URL`,
 * else http://127.0.0.1:4599, the port `npm run sandbox` takes when it is free).
 */
/**
 * The port `npm run sandbox` (and `npm start`'s sandbox) gives its Secrets Manager when it is free,
 * so that `npm run connections` finds it without flags (`DEFAULT_SECRETS_MANAGER_PORT` of
 * `@dirgate/dev`, which the sandbox cannot import; test/sandbox/cli.test.ts checks they agree).
 */
export const DEFAULT_SECRETS_MANAGER_PORT = 4598;

export const CONTROL_CLI_USAGE = `usage: npm run sandbox -- <command> [--sandbox URL]

  org show-person <key|userId>             org show-department <key|dingtalkId>
  org add-person <key> --name NAME --department KEY [--department KEY…] [person flags]
  org update-person <key|userId> [person flags]
  org remove-person <key|userId>
  org add-department <key> --name NAME --parent KEY [--en-name N] [--order N]
  org update-department <key> [--name N] [--en-name N] [--parent KEY] [--order N] [--feishu-scope true|false]
  org remove-department <key>
  callbacks                                 connections, targets, knobs
  callbacks target <baseUrl|none> [--no-verify] [--connection ID…]
  callbacks verify [--connection ID]
  callbacks deliveries | events | failed
  callbacks knobs '{"retryScale":0.001,"wecomFields":"full"}'

person flags: --name --en-name --nickname --title --email --org-email --telephone --job-number
  --work-place --city --country --remark --user-id --avatar-url (text); --mobile 13800138000 or
  "+852 51234567"; --status active|inactive|disabled|resigned|frozen; --gender 0|1|2;
  --department KEY (repeatable, the first is primary); --manager KEY|none;
  --in-dingtalk/--in-feishu/--in-wecom/--in-eiam true|false; --unset FIELD (repeatable);
  --json '{"field": …}' (any Person field)`;

const TEXT_FLAGS = {
  name: "name",
  "en-name": "enName",
  nickname: "nickname",
  title: "title",
  email: "email",
  "org-email": "orgEmail",
  telephone: "telephone",
  "job-number": "jobNumber",
  "work-place": "workPlace",
  city: "city",
  country: "country",
  remark: "remark",
  "user-id": "userId",
  "avatar-url": "avatarUrl",
} as const;

const OPTIONS = {
  sandbox: { type: "string" },
  name: { type: "string" },
  "en-name": { type: "string" },
  nickname: { type: "string" },
  title: { type: "string" },
  email: { type: "string" },
  "org-email": { type: "string" },
  telephone: { type: "string" },
  "job-number": { type: "string" },
  "work-place": { type: "string" },
  city: { type: "string" },
  country: { type: "string" },
  remark: { type: "string" },
  "user-id": { type: "string" },
  "avatar-url": { type: "string" },
  mobile: { type: "string" },
  status: { type: "string" },
  gender: { type: "string" },
  department: { type: "string", multiple: true },
  manager: { type: "string" },
  "in-dingtalk": { type: "string" },
  "in-feishu": { type: "string" },
  "in-wecom": { type: "string" },
  "in-eiam": { type: "string" },
  unset: { type: "string", multiple: true },
  json: { type: "string" },
  parent: { type: "string" },
  order: { type: "string" },
  "feishu-scope": { type: "string" },
  "no-verify": { type: "boolean" },
  connection: { type: "string", multiple: true },
  help: { type: "boolean" },
} as const;

export interface ControlCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env?: Record<string, string | undefined>;
}

/** Runs one command; resolves to the exit code. */
export async function runControlCli(args: string[], io: ControlCliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    const message = ((error as Error).message.split("\n")[0] ?? "").replace(
      /\. To specify a positional argument.*$/,
      "",
    );
    io.err(`npm run sandbox: ${message} (npm run sandbox -- org --help)\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${CONTROL_CLI_USAGE}\n`);
    return 0;
  }
  const base = (
    values.sandbox ??
    io.env?.["DIRGATE_SANDBOX_URL"] ??
    `http://127.0.0.1:${DEFAULT_CONTROL_PORT}`
  ).replace(/\/+$/, "");
  let call: { method: string; path: string; body?: unknown };
  try {
    call = toCall(positionals, values);
  } catch (error) {
    io.err(`npm run sandbox: ${(error as Error).message} (npm run sandbox -- org --help)\n`);
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(`${base}${call.path}`, {
      method: call.method,
      headers: { "content-type": "application/json" },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
  } catch (error) {
    io.err(
      `no sandbox answers at ${base} (${(error as Error).message}); start one with \`npm run sandbox\` or pass --sandbox URL\n`,
    );
    return 1;
  }
  const text = await res.text();
  if (res.ok) {
    io.out(`${text}\n`);
    return 0;
  }
  io.err(`${res.status}: ${text}\n`);
  return 1;
}

function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
}

type Values = ReturnType<typeof parse>["values"];

function toCall(positionals: string[], values: Values): { method: string; path: string; body?: unknown } {
  const [area, command, id, ...rest] = positionals;
  const at = (kind: string, key: string | undefined) => {
    if (!key) throw new Error(`${area} ${command} needs a key`);
    return `/org/${kind}/${encodeURIComponent(key)}`;
  };
  if (area === "org") {
    if (rest.length > 0) throw new Error(`unexpected ${rest.join(" ")}`);
    switch (command) {
      case "show-person":
        return { method: "GET", path: at("people", id) };
      case "show-department":
        return { method: "GET", path: at("departments", id) };
      case "add-person":
        if (!id) throw new Error("org add-person needs a key");
        return { method: "POST", path: "/org/people", body: { key: id, ...personBody(values) } };
      case "update-person":
        return { method: "PATCH", path: at("people", id), body: personBody(values) };
      case "remove-person":
        return { method: "DELETE", path: at("people", id) };
      case "add-department":
        if (!id) throw new Error("org add-department needs a key");
        return { method: "POST", path: "/org/departments", body: { key: id, ...departmentBody(values) } };
      case "update-department":
        return { method: "PATCH", path: at("departments", id), body: departmentBody(values) };
      case "remove-department":
        return { method: "DELETE", path: at("departments", id) };
    }
    throw new Error(`unknown command: org ${command ?? ""}`);
  }
  if (area === "callbacks") {
    switch (command) {
      case undefined:
        return { method: "GET", path: "/callbacks" };
      case "deliveries":
      case "events":
      case "failed":
        return { method: "GET", path: `/callbacks/${command}` };
      case "target":
        if (!id) throw new Error("callbacks target needs a base URL or none");
        return {
          method: "PUT",
          path: "/callbacks/target",
          body: {
            baseUrl: id === "none" ? null : id,
            verify: !values["no-verify"],
            ...(values.connection ? { connections: values.connection } : {}),
          },
        };
      case "verify":
        return {
          method: "POST",
          path: "/callbacks/verify",
          body: values.connection?.[0] ? { connection: values.connection[0] } : {},
        };
      case "knobs":
        if (!id) throw new Error("callbacks knobs needs a JSON object");
        return { method: "POST", path: "/callbacks/knobs", body: json(id) };
    }
    throw new Error(`unknown command: callbacks ${command}`);
  }
  throw new Error(area ? `unknown command: ${area}` : "no command");
}

function personBody(values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = values.json ? json(values.json) : {};
  for (const [flag, field] of Object.entries(TEXT_FLAGS)) {
    const value = values[flag as keyof typeof TEXT_FLAGS];
    if (typeof value === "string") body[field] = value;
  }
  if (values.mobile !== undefined) body["mobile"] = mobile(values.mobile);
  if (values.status !== undefined) {
    if (!["active", "inactive", "disabled", "resigned", "frozen"].includes(values.status)) {
      throw new Error(`--status: ${values.status} is not a status`);
    }
    body["status"] = values.status;
  }
  if (values.gender !== undefined) {
    if (!/^[012]$/.test(values.gender)) throw new Error("--gender is 0, 1 or 2");
    body["gender"] = Number(values.gender);
  }
  if (values.department) body["departments"] = values.department;
  if (values.manager !== undefined) body["manager"] = values.manager === "none" ? null : values.manager;
  const within: Record<string, boolean> = {};
  for (const provider of ["dingtalk", "feishu", "wecom", "eiam"] as const) {
    const value = values[`in-${provider}`];
    if (value === undefined) continue;
    if (value !== "true" && value !== "false") throw new Error(`--in-${provider} is true or false`);
    within[provider] = value === "true";
  }
  if (Object.keys(within).length > 0) body["in"] = within;
  for (const field of values.unset ?? []) body[field] = null;
  return body;
}

function departmentBody(values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = values.json ? json(values.json) : {};
  if (values.name !== undefined) body["name"] = values.name;
  if (values["en-name"] !== undefined) body["enName"] = values["en-name"];
  if (values.parent !== undefined) body["parentKey"] = values.parent;
  if (values.order !== undefined) {
    if (!/^-?\d+$/.test(values.order)) throw new Error("--order is a whole number");
    body["order"] = Number(values.order);
  }
  if (values["feishu-scope"] !== undefined) {
    if (values["feishu-scope"] !== "true" && values["feishu-scope"] !== "false") {
      throw new Error("--feishu-scope is true or false");
    }
    body["inFeishuScope"] = values["feishu-scope"] === "true";
  }
  return body;
}

/** `13800138000` (mainland), `+8613800138000`, `+852 51234567`, `+41-446681800`. */
function mobile(text: string): { countryCode: string; national: string } {
  const compact = text.trim();
  if (/^1\d{10}$/.test(compact)) return { countryCode: "86", national: compact };
  const mainland = /^\+86[ -]?(1\d{10})$/.exec(compact);
  if (mainland) return { countryCode: "86", national: mainland[1]! };
  const other = /^\+(\d{1,3})[ -](\d{4,14})$/.exec(compact);
  if (other) return { countryCode: other[1]!, national: other[2]! };
  throw new Error(`--mobile: write 13800138000 or "+CC NATIONAL" (e.g. "+852 51234567"), not ${text}`);
}

function json(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("--json / knobs: not JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error("expected a JSON object");
  return value as Record<string, unknown>;
}
