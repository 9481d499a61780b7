import { type CallOptions, callUpstream, DirgateError } from "@dirgate/core";
import * as z from "zod";
import { withToken } from "../authorized.ts";
import type { EiamConnection } from "../connection.ts";
import type { ClientDeps } from "../types.ts";
import { interpretEiam } from "./errors.ts";

const TokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

/** An EIAM application's transport: its OAuth2 client-credentials token and one `call`. */
export interface EiamApi {
  connection: string;
  config: EiamConnection;
  call(
    name: string,
    method: "GET" | "POST",
    path: string,
    request: { body?: Record<string, unknown> },
    options?: CallOptions,
  ): Promise<Record<string, unknown>>;
}

export function createEiamApi(connection: string, config: EiamConnection, deps: ClientDeps): EiamApi {
  const base = config.baseUrl.replace(/\/+$/, "");
  const tokenKey = `eiam ${base} ${config.clientId}`;

  const grant = (options?: CallOptions) => async () => {
    // RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64.
    const basic = Buffer.from(
      `${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`,
    ).toString("base64");
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (config.clientAuth === "form") {
      form.set("client_id", config.clientId);
      form.set("client_secret", config.clientSecret);
    }
    const body = await callUpstream(
      {
        name: "eiam.token",
        method: "POST",
        url: `${base}/api/v2/tenant/token`,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(config.clientAuth === "basic" ? { authorization: `Basic ${basic}` } : {}),
        },
        body: form.toString(),
        secrets: [config.clientSecret, basic],
      },
      (response) => interpretEiam(response, "eiam.token", "token"),
      deps.http,
      options,
    );
    const parsed = TokenSchema.safeParse(body);
    if (!parsed.success)
      throw new DirgateError("UPSTREAM_ERROR", "eiam.token: no access_token in the answer");
    return { token: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
  };

  return {
    connection,
    config,
    call(name, method, path, request, options) {
      return withToken(deps.tokens, tokenKey, grant(options), (token) =>
        callUpstream(
          {
            name,
            method,
            url: `${base}${path}`,
            headers: {
              authorization: `Bearer ${token}`,
              ...(request.body ? { "content-type": "application/json; charset=utf-8" } : {}),
            },
            body: request.body ? JSON.stringify(request.body) : undefined,
            secrets: [config.clientSecret, token],
          },
          (response) => interpretEiam(response, name),
          deps.http,
          options,
        ),
      );
    },
  };
}
