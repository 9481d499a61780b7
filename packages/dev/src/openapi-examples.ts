import { DirgateError, type ErrorCode, type OperationName, type Problem, toProblem } from "@dirgate/core";

/**
 * The OpenAPI document's examples: answers the local API gives on the demo organisation
 * (`npm start`), trimmed. Each is validated against the schema it illustrates (`npx @redocly/cli
 * lint` and test/dev/openapi.test.ts), so an example cannot drift from the API it documents.
 */

const zhangsan = {
  provider: "dingtalk",
  connection: "demo-dingtalk",
  id: "zhangsan",
  unionId: "z21HjQliSzpw0YWCNxmii6u2Os62cZ62iSZ",
  loginId: "login_id3",
  name: "John",
  nickname: "Name",
  mobile: { e164: "+8613800138000", countryCode: "86", nationalNumber: "13800138000" },
  email: "test@xxx.com",
  title: "Technical Director",
  employeeNumber: "4",
  departments: [
    { id: "2", order: 1, isLeader: true },
    { id: "3", order: 2, isLeader: false },
  ],
  managerId: "manager240",
  status: "active",
  hiredAt: "2020-08-16T10:26:56.828Z",
  workPlace: "Future Park",
  isAdmin: true,
  isBoss: true,
  isSenior: true,
};

const xuchao = {
  provider: "feishu",
  connection: "demo-feishu",
  id: "xuchao0",
  unionId: "on_5e02b598edb421f9c685486d0a1b26a4",
  openId: "ou_22b18e253313c231e7701dcd9f9665ea",
  name: "徐超",
  englishName: "Chao Xu",
  mobile: { e164: "+8615203252197", countryCode: "86", nationalNumber: "15203252197" },
  email: "xuchao0@example.com",
  enterpriseEmail: "xuchao0@acme-demo.cn",
  title: "销售经理",
  departments: [{ id: "od-5caa30529e8feabe141512b5c3c7153a", order: 1 }],
  managerId: "manager240",
  status: "active",
  hiredAt: "2015-02-08T00:00:00.000Z",
  city: "武汉",
  country: "CN",
};

const userRef = {
  provider: "dingtalk",
  connection: "demo-dingtalk",
  id: "lisi",
  exclusiveAccountUserIds: ["lisi_ea1", "lisi_ea2"],
};

const REQUEST_ID = "6d19b5db-4e39-4abf-9a63-c69a3f5962d5";

interface ProblemFields {
  detail: string;
  upstream?: Problem["upstream"];
  errors?: Problem["errors"];
}

/** One problem per code, as the API answers it. */
export const PROBLEM_EXAMPLES: Record<ErrorCode, ProblemFields> = {
  INVALID_REQUEST: {
    detail: "mobile is not a possible phone number",
    errors: [{ path: "mobile", message: "expected a phone number such as 13800138000 or +86 138 0013 8000" }],
  },
  UNAUTHENTICATED: { detail: "callback not accepted: the signature does not match" },
  FORBIDDEN: { detail: "this caller may not use connection demo-dingtalk" },
  CONNECTION_NOT_FOUND: { detail: "no connection acme-dingtalk" },
  USER_NOT_FOUND: {
    detail: "no such user",
    upstream: { code: "60121", message: "找不到该用户", requestId: "dimx4maseuc" },
  },
  DEPARTMENT_NOT_FOUND: {
    detail: "no such department",
    upstream: { code: "ORG.0001", message: "Organization does not exist" },
  },
  ROUTE_NOT_FOUND: { detail: "no route GET /v1/nowhere" },
  METHOD_NOT_ALLOWED: {
    detail:
      "DELETE is not allowed on /v1/connections/demo-dingtalk/users/zhangsan (allowed: GET, HEAD, OPTIONS)",
  },
  REQUEST_TOO_LARGE: { detail: "the body is over API Gateway's 10 MB limit" },
  PROVIDER_PERMISSION_DENIED: {
    detail: "the provider app lacks a permission",
    upstream: { code: "60011", message: "no permission" },
  },
  UNSUPPORTED_OPERATION: { detail: "dingtalk does not support userByEmail" },
  UPSTREAM_RATE_LIMITED: {
    detail: "the provider's rate limit was reached",
    upstream: { code: "99991400", message: "request trigger frequency limit" },
  },
  UPSTREAM_AUTH_FAILED: {
    detail: "the provider rejected the connection's credentials",
    upstream: { code: "40096", message: "invalid appkey or appsecret" },
  },
  UPSTREAM_ERROR: {
    detail: "the provider answered with an error dirgate does not know",
    upstream: { code: "12345", message: "unknown" },
  },
  UPSTREAM_UNAVAILABLE: { detail: "the provider is unavailable (HTTP 503), after 3 attempts" },
  UPSTREAM_TIMEOUT: { detail: "the provider did not answer within 3000 ms" },
  CONFIG_INVALID: { detail: "connection acme-dingtalk: appSecret is required" },
  INTERNAL: { detail: "Internal error" },
};

/** The success answer of each operation. */
export const OUTPUT_EXAMPLES: Record<OperationName, Record<string, unknown>> = {
  userByMobile: { profile: { value: zhangsan }, idsOnly: { summary: "idsOnly: true", value: userRef } },
  userByEmail: { profile: { value: xuchao } },
  userById: { profile: { value: zhangsan } },
  usersLookup: {
    mixed: {
      value: {
        items: [
          { ok: true, user: { ...userRef, id: "zhangsan", exclusiveAccountUserIds: ["zhangsan"] } },
          {
            ok: false,
            error: problem("USER_NOT_FOUND", {
              detail: "no such user",
              upstream: { code: "33012", message: "无效的userId", requestId: "dimx4mas6l7" },
            }),
          },
        ],
      },
    },
  },
  department: {
    department: {
      value: {
        provider: "dingtalk",
        connection: "demo-dingtalk",
        id: "5",
        parentId: "2",
        name: "平台工程部",
        order: 10,
        leaderIds: ["xuchao0", "0261936293216422"],
      },
    },
  },
  departmentChildren: {
    page: {
      value: {
        items: [
          { provider: "dingtalk", connection: "demo-dingtalk", id: "2", parentId: "1", name: "研发部" },
          { provider: "dingtalk", connection: "demo-dingtalk", id: "3", parentId: "1", name: "产品部" },
        ],
        nextPageToken: "dg1.eyJoIjoiNWl3Qkw4NkpuTUMtOHN5UiIsInMiOnsibyI6Mn19",
      },
    },
  },
  departmentUsers: {
    page: {
      value: {
        items: [xuchao],
        nextPageToken:
          "dg1.eyJoIjoiUXcyTzJwSkVQVTZkVlFlMiIsInMiOnsiYyI6IkFRRDkvRW5jRmNzUFE4U3NaQTA5RGRYTmxjbk44Y0d4aGRHWnZjbTE4TVE9PSJ9fQ",
      },
    },
    last: { summary: "the last page", value: { items: [xuchao], nextPageToken: null } },
  },
};

/** Request bodies of the POST operations. */
export const BODY_EXAMPLES: Partial<Record<OperationName, Record<string, unknown>>> = {
  userByMobile: {
    mobile: { value: { mobile: "+86 138 0013 8000" } },
    idsOnly: { summary: "only the id, one upstream call", value: { mobile: "13900139000", idsOnly: true } },
  },
  userByEmail: { email: { value: { email: "xuchao0@example.com" } } },
  usersLookup: {
    mixed: {
      value: {
        items: [{ mobile: "13800138000" }, { email: "xuchao0@example.com" }, { userId: "zhangsan" }],
        idsOnly: true,
      },
    },
  },
};

/** Path and query parameter examples, by name (the demo organisation's). */
export const PARAMETER_EXAMPLES: Record<string, unknown> = {
  connection: "demo-dingtalk",
  userId: "zhangsan",
  departmentId: "5",
};

/** A whole problem document for a code, made by the function that makes the API's own. */
export function problem(code: ErrorCode, fields: ProblemFields = PROBLEM_EXAMPLES[code]): Problem {
  return toProblem(
    new DirgateError(code, fields.detail, { upstream: fields.upstream, details: fields.errors }),
    REQUEST_ID,
  );
}
