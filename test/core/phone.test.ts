import { DirgateError, maskMobile, parseMobile, tryParseMobile } from "@dirgate/core";
import { describe, expect, it } from "vitest";

describe("parseMobile", () => {
  it.each([
    ["13800138000", "+8613800138000", "86", "13800138000"],
    ["+86 138 0013 8000", "+8613800138000", "86", "13800138000"],
    ["+86-13800138000", "+8613800138000", "86", "13800138000"],
    ["0086 13800138000", "+8613800138000", "86", "13800138000"],
    ["+41 44 668 18 00", "+41446681800", "41", "446681800"],
    ["+852 5123 4567", "+85251234567", "852", "51234567"],
  ])("reads %s as %s", (input, e164, countryCode, nationalNumber) => {
    expect(parseMobile(input)).toEqual({ e164, countryCode, nationalNumber });
  });

  it.each(["abc", "123", "+86 1", "13800138000; DROP TABLE", "", "++8613800138000"])(
    "rejects %j as INVALID_REQUEST",
    (input) => {
      const error = (() => {
        try {
          parseMobile(input);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DirgateError);
      expect((error as DirgateError).code).toBe("INVALID_REQUEST");
      expect((error as DirgateError).details?.[0]?.path).toBe("mobile");
    },
  );
});

describe("tryParseMobile", () => {
  it("reads provider forms: bare national with a state code, +CC-national, +CCnational", () => {
    expect(tryParseMobile("51234567", "852")?.e164).toBe("+85251234567");
    expect(tryParseMobile("+86-15204130007")?.e164).toBe("+8615204130007");
    expect(tryParseMobile("+41446681800")?.e164).toBe("+41446681800");
    expect(tryParseMobile("13011111111")?.e164).toBe("+8613011111111");
  });

  it("returns undefined for what is not a number", () => {
    expect(tryParseMobile("13011111111 (其他例子)")).toBeUndefined();
    expect(tryParseMobile(undefined)).toBeUndefined();
  });
});

describe("maskMobile", () => {
  it("keeps the first three and last four digits", () => {
    expect(maskMobile("13800138000")).toBe("138****8000");
    expect(maskMobile("+8613800138000")).toBe("138****8000");
    expect(maskMobile("+86 138 0013 8000")).toBe("138****8000");
    expect(maskMobile("12")).toBe("****");
  });
});
