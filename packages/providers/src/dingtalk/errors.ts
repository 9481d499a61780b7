import { DirgateError, type ErrorCode, parseJson, type UpstreamResponse } from "@dirgate/core";
import * as z from "zod";
import { numish } from "../coerce.ts";

/**
 * DingTalk `oapi` answers HTTP 200 on every failure: `errcode` decides. On `topapi/*` gateway
 * failures come as `errcode 88` with a *string* `sub_code`; legacy endpoints send the code itself.
 * An IP ban answers an HTML page or `{"punish":"deny"}` (PROTOCOLS §1.3–1.4).
 */
const TOKEN_CODES = new Set(["40014", "42001", "40001", "41001", "40000"]);
const PERMISSION_CODES = new Set(["60011", "60020", "50002", "50004"]);
const NOT_FOUND: Record<string, ErrorCode> = {
  "60121": "USER_NOT_FOUND",
  "33012": "USER_NOT_FOUND",
  "40104": "USER_NOT_FOUND",
  "60003": "DEPARTMENT_NOT_FOUND",
};
const CREDENTIAL_CODES = new Set(["40096", "40089", "40035", "40091"]);

const EnvelopeSchema = z.looseObject({
  errcode: numish.optional(),
  errmsg: z.string().optional(),
  sub_code: z.union([z.string(), z.number()]).optional(),
  sub_msg: z.string().optional(),
  request_id: z.string().optional(),
  punish: z.string().optional(),
  wait: numish.optional(),
});

const IP_BAN_MS = 5 * 60_000;

/** Maps a DingTalk answer to its body, or throws the DirgateError it stands for. */
export function interpretDingTalk(response: UpstreamResponse, name: string): Record<string, unknown> {
  if (response.status >= 500) {
    throw new DirgateError("UPSTREAM_UNAVAILABLE", `${name}: DingTalk answered HTTP ${response.status}`, {
      retryable: true,
    });
  }
  if (/^\s*</.test(response.text)) {
    // An HTML page with HTTP 200 is the IP-dimension ban (10 000 calls / 20 s → 5 minutes off).
    throw new DirgateError(
      "UPSTREAM_RATE_LIMITED",
      `${name}: DingTalk blocked this IP for making too many calls`,
      {
        retryAfterMs: IP_BAN_MS,
        upstream: { code: "ip-ban", message: "HTML throttle page" },
      },
    );
  }
  const envelope = EnvelopeSchema.safeParse(parseJson(response, name));
  if (!envelope.success)
    throw new DirgateError("UPSTREAM_ERROR", `${name}: DingTalk answered an unexpected body`);
  const body = envelope.data;
  if (body.punish === "deny") {
    throw new DirgateError(
      "UPSTREAM_RATE_LIMITED",
      `${name}: DingTalk blocked this IP for making too many calls`,
      {
        retryAfterMs: body.wait !== undefined ? body.wait * 60_000 : IP_BAN_MS,
        upstream: { code: "punish:deny" },
      },
    );
  }
  if (response.status === 429) {
    throw new DirgateError("UPSTREAM_RATE_LIMITED", `${name}: DingTalk answered HTTP 429`, {
      retryable: true,
    });
  }
  if (body.errcode === undefined || body.errcode === 0) return body;

  const wrapped = body.errcode === 88 && body.sub_code !== undefined;
  const code = wrapped ? String(body.sub_code) : String(body.errcode);
  const upstream = {
    code: wrapped ? `88/${code}` : code,
    message: (wrapped ? body.sub_msg : body.errmsg) ?? body.errmsg,
    requestId: body.request_id,
  };
  throw dingTalkError(code, name, upstream);
}

function dingTalkError(
  code: string,
  name: string,
  upstream: { code: string; message?: string; requestId?: string },
) {
  if (TOKEN_CODES.has(code)) {
    return new DirgateError("UPSTREAM_AUTH_FAILED", `${name}: DingTalk rejected the access token`, {
      upstream,
      tokenRejected: true,
    });
  }
  if (CREDENTIAL_CODES.has(code)) {
    return new DirgateError("UPSTREAM_AUTH_FAILED", `${name}: DingTalk rejected the app credentials`, {
      upstream,
    });
  }
  if (PERMISSION_CODES.has(code)) {
    return new DirgateError(
      "PROVIDER_PERMISSION_DENIED",
      `${name}: the DingTalk app lacks the permission for this call`,
      {
        upstream,
      },
    );
  }
  const notFound = NOT_FOUND[code];
  if (notFound) {
    return new DirgateError(notFound, notFound === "USER_NOT_FOUND" ? "no such user" : "no such department", {
      upstream,
    });
  }
  if (code === "-1") {
    return new DirgateError("UPSTREAM_UNAVAILABLE", `${name}: DingTalk is busy`, {
      upstream,
      retryable: true,
    });
  }
  if (code === "90020") {
    return new DirgateError(
      "UPSTREAM_RATE_LIMITED",
      `${name}: the organisation's monthly DingTalk API quota is used up`,
      {
        upstream,
      },
    );
  }
  if (/^900\d\d$/.test(code)) {
    // 90002 global, 90005/90006/90018/90019 per org/app: short blocks, about a second.
    return new DirgateError("UPSTREAM_RATE_LIMITED", `${name}: DingTalk rate limit reached`, {
      upstream,
      retryable: true,
      retryAfterMs: 1_000,
    });
  }
  if (code === "400002") {
    return new DirgateError("INVALID_REQUEST", `${name}: DingTalk rejected a parameter`, { upstream });
  }
  return new DirgateError("UPSTREAM_ERROR", `${name}: DingTalk answered errcode ${upstream.code}`, {
    upstream,
  });
}
