import { type CallOptions, callUpstream, DirgateError } from "@dirgate/core";
import * as z from "zod";
import { withToken } from "../authorized.ts";
import type { FeishuConnection } from "../connection.ts";
import type { ClientDeps } from "../types.ts";
import { type FeishuContext, interpretFeishu } from "./errors.ts";

export const FEISHU_DEFAULT_BASE_URL = "https://open.feishu.cn";

const TokenSchema = z.object({ tenant_access_token: z.string().min(1), expire: z.number().positive() });

/** A Feishu app's transport: its tenant token (cached per app) and one `call` for every open API. */
export interface FeishuApi {
  connection: string;
  config: FeishuConnection;
  call(
    name: string,
    method: "GET" | "POST",
    path: string,
    request: { query?: Record<string, string | undefined>; body?: Record<string, unknown> } & FeishuContext,
    options?: CallOptions,
  ): Promise<Record<string, unknown>>;
}

export function createFeishuApi(connection: string, config: FeishuConnection, deps: ClientDeps): FeishuApi {
  const base = (config.baseUrl ?? FEISHU_DEFAULT_BASE_URL).replace(/\/+$/, "");
  const tokenKey = `feishu ${base} ${config.appId}`;
  const json = { "content-type": "application/json; charset=utf-8" };

  const grant = (options?: CallOptions) => async () => {
    const body = await callUpstream(
      {
        name: "feishu.tenant_access_token",
        method: "POST",
        url: `${base}/open-apis/auth/v3/tenant_access_token/internal`,
        headers: json,
        body: JSON.stringify({ app_id: config.appId, app_secret: config.appSecret }),
        secrets: [config.appSecret],
      },
      (response) => interpretFeishu(response, "feishu.tenant_access_token"),
      deps.http,
      options,
    );
    const parsed = TokenSchema.safeParse(body);
    if (!parsed.success)
      throw new DirgateError("UPSTREAM_ERROR", "feishu.tenant_access_token: no token in the answer");
    return { token: parsed.data.tenant_access_token, expiresInSeconds: parsed.data.expire };
  };

  return {
    connection,
    config,
    call(name, method, path, request, options) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(request.query ?? {}))
        if (value !== undefined) query.set(key, value);
      const qs = query.size > 0 ? `?${query}` : "";
      return withToken(deps.tokens, tokenKey, grant(options), (token) =>
        callUpstream(
          {
            name,
            method,
            url: `${base}${path}${qs}`,
            headers: { ...json, authorization: `Bearer ${token}` },
            body: request.body ? JSON.stringify(request.body) : undefined,
            secrets: [config.appSecret, token],
          },
          (response) => interpretFeishu(response, name, request),
          deps.http,
          options,
        ),
      );
    },
  };
}
