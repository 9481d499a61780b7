import { redact } from "@dirgate/core";
import { describe, expect, it } from "vitest";

describe("redact", () => {
  it("strips tokens and secrets from URLs, headers and JSON", () => {
    const text = [
      "GET https://oapi.dingtalk.com/user/get?userid=a&access_token=6ed0198458d9f2af25b239de2249111f",
      "GET /gettoken?appkey=dingx&appsecret=s3cr3t-value",
      'authorization: "Bearer t-g1abcdef0123"',
      "Authorization: Basic c2J4OmVpLXNieC1zZWNyZXQ=",
      '{"app_secret":"fs-secret-1","tenant_access_token":"t-xyz","client_secret":"cs"}',
    ].join("\n");
    const out = redact(text);
    for (const leaked of [
      "6ed0198458d9f2af25b239de2249111f",
      "s3cr3t-value",
      "t-g1abcdef0123",
      "c2J4OmVp",
      "fs-secret-1",
      "t-xyz",
      '"cs"',
    ]) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain("userid=a");
    expect(out).toContain("appkey=dingx");
  });

  it("strips exact secret values wherever they appear", () => {
    expect(redact("failed for dt-sbx-secret-XYZ in body", ["dt-sbx-secret-XYZ"])).toBe(
      "failed for [REDACTED] in body",
    );
  });
});
