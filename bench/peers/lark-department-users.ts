import * as lark from "@larksuiteoapi/node-sdk";

/**
 * The peer for cold start: a minimal department-users Lambda built on the official Feishu SDK.
 * (It gets its credentials from the environment: it does less work than dirgate, which loads them
 * from Secrets Manager and validates every field.)
 */
const client = new lark.Client({
  appId: process.env["LARK_APP_ID"] ?? "",
  appSecret: process.env["LARK_APP_SECRET"] ?? "",
  domain: process.env["LARK_DOMAIN"] ?? lark.Domain.Feishu,
  loggerLevel: lark.LoggerLevel.error,
});

export const handler = async (event: { pathParameters?: { departmentId?: string } }) => {
  const answer = await client.contact.user.findByDepartment({
    params: {
      department_id: event.pathParameters?.departmentId ?? "0",
      page_size: 50,
      user_id_type: "user_id",
    },
  });
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(answer.data),
  };
};
