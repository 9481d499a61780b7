import { DirgateError } from "@dirgate/core";

/**
 * 501 `UNSUPPORTED_OPERATION` for an id type the provider cannot answer by, worded alike on every
 * provider and route: "DingTalk connections look users up by userId or loginId, not openId".
 */
export function requireIdType<T extends string, S extends T>(
  provider: string,
  action: "look users up" | "list users",
  idType: T,
  supported: readonly S[],
): asserts idType is S {
  if (!(supported as readonly string[]).includes(idType)) {
    throw new DirgateError(
      "UNSUPPORTED_OPERATION",
      `${provider} connections ${action} by ${supported.join(" or ")}, not ${idType}`,
    );
  }
}

/** 501 for `departmentIdType: "openDepartmentId"`, which only Feishu has. */
export function refuseOpenDepartmentIds(provider: string, input: { departmentIdType?: string }): void {
  if (input.departmentIdType === "openDepartmentId") {
    throw new DirgateError("UNSUPPORTED_OPERATION", `${provider} connections have no openDepartmentId`);
  }
}
