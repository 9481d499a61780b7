import { type CallOptions, callUpstream, DirgateError } from "@dirgate/core";
import * as z from "zod";
import { withToken } from "../authorized.ts";
import type { DingTalkConnection } from "../connection.ts";
import type { ClientDeps } from "../types.ts";
import { interpretDingTalk } from "./errors.ts";

export const DINGTALK_DEFAULT_BASE_URL = "https://oapi.dingtalk.com";

const TokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

/** A DingTalk app's transport: its token (cached per app) and one `call` for every oapi endpoint. */
export interface DingTalkApi {
  connection: string;
  config: DingTalkConnection;
  call(
    name: string,
    method: "GET" | "POST",
    path: string,
    request: { query?: Record<string, string>; body?: Record<string, unknown> },
    options?: CallOptions,
  ): Promise<Record<string, unknown>>;
}

export function createDingTalkApi(
  connection: string,
  config: DingTalkConnection,
  deps: ClientDeps,
): DingTalkApi {
  const base = (config.baseUrl ?? DINGTALK_DEFAULT_BASE_URL).replace(/\/+$/, "");
  const tokenKey = `dingtalk ${base} ${config.appKey}`;

  const grant = (options?: CallOptions) => async () => {
    const query = new URLSearchParams({ appkey: config.appKey, appsecret: config.appSecret });
    const body = await callUpstream(
      {
        name: "dingtalk.gettoken",
        method: "GET",
        url: `${base}/gettoken?${query}`,
        secrets: [config.appSecret],
      },
      (response) => interpretDingTalk(response, "dingtalk.gettoken"),
      deps.http,
      options,
    );
    const parsed = TokenSchema.safeParse(body);
    if (!parsed.success)
      throw new DirgateError("UPSTREAM_ERROR", "dingtalk.gettoken: no access_token in the answer");
    return { token: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
  };

  return {
    connection,
    config,
    call(name, method, path, request, options) {
      return withToken(deps.tokens, tokenKey, grant(options), (token) => {
        // access_token goes in the URL (DingTalk's transport): every error and log line is scrubbed of it.
        const query = new URLSearchParams({ ...request.query, access_token: token });
        return callUpstream(
          {
            name,
            method,
            url: `${base}${path}?${query}`,
            headers: request.body ? { "content-type": "application/json; charset=utf-8" } : undefined,
            body: request.body ? JSON.stringify(request.body) : undefined,
            secrets: [config.appSecret, token],
          },
          (response) => interpretDingTalk(response, name),
          deps.http,
          options,
        );
      });
    },
  };
}
