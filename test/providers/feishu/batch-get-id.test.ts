import { describe, expect, it } from "vitest";
import { batchGetIds, emailKey, mobileKey } from "../../../packages/providers/src/feishu/batch-get-id.ts";
import type { FeishuEndpoint } from "../../../packages/providers/src/feishu/transport.ts";
import type { Transport } from "../../../packages/providers/src/transport.ts";

/** A transport that answers one body and keeps what it was asked. */
function answering(userList: Record<string, unknown>[]) {
  const requests: unknown[] = [];
  const api: Transport<FeishuEndpoint> = {
    call: async (_endpoint, request) => {
      requests.push(request);
      return { code: 0, msg: "success", data: { user_list: userList } };
    },
  };
  return { api, requests };
}

const status = { is_activated: true, is_resigned: false };

describe("Feishu batch_get_id reader", () => {
  it("matches entries by their echo, a mainland number echoed without +86 included", async () => {
    // Prepare: entries out of order, the mobile echoed as Feishu's doc example writes it (11 digits).
    const { api, requests } = answering([
      { mobile: "13011111111", user_id: "u-mobile", status },
      { email: "nobody@example.com" },
      { email: "zhangsan@z.com", user_id: "u-email", status },
    ]);
    // Act
    const found = await batchGetIds(
      api,
      { mobiles: ["+8613011111111"], emails: ["zhangsan@z.com", "nobody@example.com"] },
      {},
    );
    // Assess
    expect(Object.fromEntries(found)).toEqual({
      [mobileKey("+8613011111111")]: "u-mobile",
      [emailKey("zhangsan@z.com")]: "u-email",
    });
    expect(requests).toEqual([
      {
        query: { user_id_type: "user_id" },
        body: {
          emails: ["zhangsan@z.com", "nobody@example.com"],
          mobiles: ["+8613011111111"],
          include_resigned: false,
        },
      },
    ]);
  });

  it("falls back to position (emails first, then mobiles) when the echo cannot be read", async () => {
    // Prepare: the doc example's masked echoes ("130xxxx1111"), one entry per email then per mobile.
    const { api } = answering([
      { email: "zhanxxxxx@a.com", user_id: "u-1", status },
      { mobile: "130xxxx1111", user_id: "u-2", status },
      { mobile: "130xxxx2222" },
    ]);
    // Act
    const found = await batchGetIds(
      api,
      { mobiles: ["+8613011111111", "+8613022222222"], emails: ["zhangsan@a.com"] },
      {},
    );
    // Assess
    expect(Object.fromEntries(found)).toEqual({
      [emailKey("zhangsan@a.com")]: "u-1",
      [mobileKey("+8613011111111")]: "u-2",
    });
  });

  it("trusts no position when the list is not one entry per value asked", async () => {
    const { api } = answering([{ mobile: "130xxxx1111", user_id: "u-2", status }]);
    const found = await batchGetIds(api, { mobiles: ["+8613011111111", "+8613022222222"], emails: [] }, {});
    expect(found.size).toBe(0);
  });
});
