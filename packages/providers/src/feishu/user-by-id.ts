import { DirgateError } from "@dirgate/core";
import * as z from "zod";
import { readUpstream } from "../coerce.ts";
import type { Implementation } from "../provider.ts";
import type { FeishuConnection } from "./connection.ts";
import type { FeishuEndpoint } from "./transport.ts";
import { FEISHU_ID_FIELDS, FeishuUserSchema, feishuUserToDirectoryUser } from "./user.ts";

const DataSchema = z.object({ data: z.object({ user: z.record(z.string(), z.unknown()) }) });

/** `GET /open-apis/contact/v3/users/:user_id?user_id_type=…`. */
export const userById: Implementation<"userById", FeishuConnection, FeishuEndpoint> = {
  upstream: "contact/v3/users/:user_id (userId, openId, unionId)",
  async run({ api, connection, config }, input, options) {
    const idType = input.idType;
    if (idType === "loginId")
      throw new DirgateError("UNSUPPORTED_OPERATION", "feishu connections have no loginId");
    const body = await api.call(
      "user.get",
      {
        params: { user_id: input.userId },
        query: { user_id_type: FEISHU_ID_FIELDS[idType], department_id_type: "open_department_id" },
      },
      options,
    );
    const { data } = readUpstream(DataSchema, body, "feishu.user.get");
    return feishuUserToDirectoryUser(
      readUpstream(FeishuUserSchema, data.user, "feishu.user.get"),
      data.user,
      {
        connection,
        includeRaw: input.include === "raw",
        expose: config.expose,
        idType,
      },
    );
  },
};
