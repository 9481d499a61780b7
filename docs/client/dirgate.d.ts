/**
 * dirgate's API as TypeScript types, for openapi-fetch (docs/client/example.ts).
 * Generated from docs/openapi.json by openapi-typescript: `npm run openapi` writes it; do not edit.
 */

export interface paths {
  "/v1/connections/{connection}/users/by-mobile": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Find a user by mobile number (the number travels in the body, never in a URL)
     * @description Providers: dingtalk (topapi/v2/user/getbymobile, then user/get (ids-only mode: one call)); feishu (contact/v3/users/batch_get_id, then users/:user_id); eiam (api/v2/tenant/users/user-by-mobile (one call)); wecom (user/getuserid, then user/get (ids-only mode: one call)); the others answer 501 UNSUPPORTED_OPERATION.
     *
     *     `include=raw` with `idsOnly: true` is refused (400): an ids-only answer has no upstream record to add.
     */
    post: operations["userByMobile"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/connections/{connection}/users/by-email": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Find a user by email address (the address travels in the body, never in a URL)
     * @description Providers: feishu (contact/v3/users/batch_get_id (emails), then users/:user_id); eiam (api/v2/tenant/users/user-by-email (one call)); wecom (user/get_userid_by_email (email_type 1, then 2), then user/get (ids-only mode: no user/get)); the others answer 501 UNSUPPORTED_OPERATION.
     *
     *     `include=raw` with `idsOnly: true` is refused (400): an ids-only answer has no upstream record to add.
     */
    post: operations["userByEmail"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/connections/{connection}/users/{userId}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get a user's profile by id
     * @description Providers: dingtalk (topapi/v2/user/get (userId, loginId); legacy 1.0 user/get with userApi: legacy (userId)); feishu (contact/v3/users/:user_id (userId, openId, unionId)); eiam (api/v2/tenant/users/{user_id} (userId)); wecom (user/get (userId)); the others answer 501 UNSUPPORTED_OPERATION.
     */
    get: operations["userById"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/connections/{connection}/users/lookup": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Look up to 100 users by mobile, email or id in one call
     * @description Answers each item in input order: { ok: true, user } or { ok: false, error: <problem> }. One item failing (not found, unsupported by the provider) never fails the others; only invalid input or an unusable connection fails the whole request. Feishu resolves up to 50 mobiles or emails per upstream call; the other providers make one call per item, paced.
     *
     *     Providers: dingtalk (one call per item (getbymobile + user/get, or user/get); emails → 501 per item); feishu (contact/v3/users/batch_get_id (≤ 50 mobiles and ≤ 50 emails a call), then users/batch (≤ 50 ids a call) for the users found and the id items); eiam (one call per item (user-by-mobile, user-by-email or users/{user_id})); wecom (one call per item (getuserid or get_userid_by_email, + user/get; or user/get)); the others answer 501 UNSUPPORTED_OPERATION.
     *
     *     `include=raw` with `idsOnly: true` is refused (400): an ids-only answer has no upstream record to add.
     */
    post: operations["usersLookup"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/connections/{connection}/departments/{departmentId}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get a department (its name, parent, order, leaders)
     * @description `root` names the provider's root department (DingTalk `1`, Feishu `0`, WeCom `1`, EIAM the tenant's root organisation).
     *
     *     Providers: dingtalk (topapi/v2/department/get); feishu (contact/v3/departments/:department_id); eiam (api/v2/tenant/organizations/{org_id}); wecom (department/get); the others answer 501 UNSUPPORTED_OPERATION.
     */
    get: operations["department"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/connections/{connection}/departments/{departmentId}/children": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List a department's sub-departments (direct, or the whole subtree), one page at a time
     * @description With recursive=true the subtree comes breadth-first, parents before their children.
     *
     *     Providers: dingtalk (topapi/v2/department/listsub (recursive: walked level by level)); feishu (contact/v3/departments/:department_id/children (fetch_child for recursive; ≤ 50 a page)); eiam (api/v2/tenant/organizations (all_child=false, or true with recursive; ≤ 100 a page)); wecom (department/simplelist (the subtree in one call), then department/get per department returned); the others answer 501 UNSUPPORTED_OPERATION.
     */
    get: operations["departmentChildren"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/connections/{connection}/departments/{departmentId}/users": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List a department's members (direct, or everyone in its subtree, each once), one page at a time
     * @description With recursive=true the whole subtree is walked breadth-first, each department's member pages read once, and a person in several departments of the subtree is listed once. A page may hold fewer than pageSize people; follow nextPageToken until it is null. A failing upstream page is an error, never a short list.
     *
     *     Providers: dingtalk (topapi/v2/user/list (≤ 100 a page; recursive: the listsub subtree, each person once)); feishu (contact/v3/users/find_by_department (≤ 50 a page; recursive: the departments/:id/children?fetch_child=true subtree, each person once)); eiam (api/v2/tenant/users?org_id (≤ 100 a page; recursive: the organisations subtree, each person once)); wecom (user/list (direct members, full records); recursive: department/simplelist + user/list per department); the others answer 501 UNSUPPORTED_OPERATION.
     */
    get: operations["departmentUsers"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/connections/{connection}/callback": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Provider callback URL verification (WeCom echostr)
     * @description Public (no IAM/JWT): register this URL in the provider's console. Authenticated by the provider's own signature with the connection's `callback` credentials; the answer is in the provider's format (DingTalk: the encrypted `success`; Feishu: `{"challenge"}` or `{"msg":"success"}`; WeCom: the decrypted echostr, or an empty 200). An unknown connection is answered like a bad signature (401), so connections cannot be enumerated.
     */
    get: operations["callbackVerification"];
    put?: never;
    /**
     * Provider change callbacks (DingTalk, Feishu, WeCom), verified by their signatures
     * @description Public (no IAM/JWT): register this URL in the provider's console. Authenticated by the provider's own signature with the connection's `callback` credentials; the answer is in the provider's format (DingTalk: the encrypted `success`; Feishu: `{"challenge"}` or `{"msg":"success"}`; WeCom: the decrypted echostr, or an empty 200). An unknown connection is answered like a bad signature (401), so connections cannot be enumerated.
     */
    post: operations["callback"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/health": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Liveness: no credentials touched
     * @description Answers without touching a secret or a provider: the function is deployed and runs.
     */
    get: operations["health"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/openapi.json": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This API's OpenAPI 3.1 document
     * @description This document: generated from the operation table (the schemas that validate requests), committed, served as committed.
     */
    get: operations["openapi"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/docs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The API reference for people (HTML)
     * @description Every operation with its parameters, bodies, schemas, answers, examples and auth, and "try it" against the API that serves the page. Served with its own Content-Security-Policy: scripts and connections from this origin only.
     */
    get: operations["docs"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/docs/assets/{file}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The API reference's scripts (the renderer, served by dirgate itself: no CDN)
     * @description The page's bootstrap script and the renderer (Scalar's standalone bundle, served by dirgate itself: no CDN).
     */
    get: operations["docsAsset"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /** @description A person in an organisation's directory */
    DirectoryUser: {
      /** @enum {string} */
      provider: "dingtalk" | "feishu" | "eiam" | "wecom";
      connection: string;
      /** @description The id GET /users/{userId} takes (idType userId) */
      id: string;
      unionId?: string;
      openId?: string;
      loginId?: string;
      name: string;
      englishName?: string;
      nickname?: string;
      mobile?: components["schemas"]["Mobile"];
      email?: string;
      enterpriseEmail?: string;
      title?: string;
      employeeNumber?: string;
      departments: components["schemas"]["DepartmentRef"][];
      managerId?: string;
      avatarUrl?: string;
      /** @enum {string} */
      status: "active" | "inactive" | "disabled" | "resigned" | "frozen";
      /** @description ISO 8601 */
      hiredAt?: string;
      workPlace?: string;
      city?: string;
      country?: string;
      roles?: {
        id: string;
        name: string;
        group?: string;
      }[];
      isAdmin?: boolean;
      isBoss?: boolean;
      isSenior?: boolean;
      extension?: {
        [key: string]: unknown;
      };
      /** @description Set when the user is an enterprise (exclusive) account */
      exclusiveAccount?: {
        type: string;
        corpId?: string;
        corpName?: string;
        disabled?: boolean;
      };
      /** @description By-mobile lookups: enterprise accounts sharing the number (DingTalk) */
      exclusiveAccountUserIds?: string[];
      /** @description Fields the provider refused to this app (e.g. WeCom mobile/email for apps made after 2022-06-20) */
      withheld?: string[];
      /** @description The upstream record, with include=raw */
      raw?: {
        [key: string]: unknown;
      };
    };
    /** @description Absent when the number is hidden or the app may not read it */
    Mobile: {
      /** @description E.164, e.g. +8613800138000 */
      e164: string;
      /** @description Country calling code without +, e.g. 86 */
      countryCode: string;
      /** @description National significant number, e.g. 13800138000 */
      nationalNumber: string;
    };
    DepartmentRef: {
      id: string;
      order?: number;
      isLeader?: boolean;
    };
    UserRef: {
      /** @enum {string} */
      provider: "dingtalk" | "feishu" | "eiam" | "wecom";
      connection: string;
      id: string;
      exclusiveAccountUserIds?: string[];
    };
    UserPage: {
      items: components["schemas"]["DirectoryUser"][];
      nextPageToken: string | null;
    };
    /** @description A department of an organisation's directory */
    DirectoryDepartment: {
      /** @enum {string} */
      provider: "dingtalk" | "feishu" | "eiam" | "wecom";
      connection: string;
      /** @description The id GET /departments/{departmentId} takes */
      id: string;
      /** @description null for the provider's root department */
      parentId: string | null;
      name: string;
      order?: number;
      /** @description The department's leaders (user ids) */
      leaderIds?: string[];
      memberCount?: number;
      /** @description The upstream record, with include=raw */
      raw?: {
        [key: string]: unknown;
      };
    };
    DepartmentPage: {
      items: components["schemas"]["DirectoryDepartment"][];
      nextPageToken: string | null;
    };
    LookupResult:
      | {
          /** @constant */
          ok: true;
          user: components["schemas"]["DirectoryUser"] | components["schemas"]["UserRef"];
        }
      | {
          /** @constant */
          ok: false;
          error: components["schemas"]["Problem"];
        };
    /**
     * @description An RFC 9457 problem document
     * @example {
     *       "type": "urn:dirgate:problem:user-not-found",
     *       "title": "No such user",
     *       "status": 404,
     *       "detail": "no such user",
     *       "code": "USER_NOT_FOUND",
     *       "requestId": "6d19b5db-4e39-4abf-9a63-c69a3f5962d5",
     *       "upstream": {
     *         "code": "60121",
     *         "message": "找不到该用户",
     *         "requestId": "dimx4maseuc"
     *       }
     *     }
     */
    Problem: {
      /** @description The problem's URI: `urn:dirgate:problem:<code>` */
      type: string;
      /** @description The code's title (the same for every answer) */
      title: string;
      /** @description The HTTP status */
      status: number;
      /** @description What happened, for a person */
      detail: string;
      /**
       * @description The stable code: program against this
       * @enum {string}
       */
      code:
        | "INVALID_REQUEST"
        | "UNAUTHENTICATED"
        | "FORBIDDEN"
        | "CONNECTION_NOT_FOUND"
        | "USER_NOT_FOUND"
        | "DEPARTMENT_NOT_FOUND"
        | "ROUTE_NOT_FOUND"
        | "METHOD_NOT_ALLOWED"
        | "REQUEST_TOO_LARGE"
        | "PROVIDER_PERMISSION_DENIED"
        | "UNSUPPORTED_OPERATION"
        | "UPSTREAM_RATE_LIMITED"
        | "UPSTREAM_AUTH_FAILED"
        | "UPSTREAM_ERROR"
        | "UPSTREAM_UNAVAILABLE"
        | "UPSTREAM_TIMEOUT"
        | "CONFIG_INVALID"
        | "INTERNAL";
      /** @description The request's id (the Lambda request id): quote it when you report a problem */
      requestId: string;
      /** @description What the provider said, when it spoke (never a token) */
      upstream?: {
        code?: string;
        message?: string;
        requestId?: string;
      };
      /** @description The invalid fields, for INVALID_REQUEST */
      errors?: {
        path: string;
        message: string;
      }[];
    };
    /** @description Liveness: no credentials touched */
    Health: {
      /** @constant */
      status: "ok";
      /** @description dirgate's version */
      version: string;
    };
    /** @description An answer of API Gateway itself, before dirgate runs (authorizer, route, quota): not a problem document */
    GatewayMessage: {
      message: string;
    };
    LookupItem:
      | {
          mobile: string;
        }
      | {
          /** Format: email */
          email: string;
        }
      | {
          userId: string;
          /**
           * @default userId
           * @enum {string}
           */
          idType: "userId" | "loginId" | "openId" | "unionId";
        };
  };
  responses: {
    /** @description `INVALID_REQUEST`: a field failed validation (`errors` names each), the body is not JSON, a `pageToken` this query did not return. */
    InvalidRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 400;
          /** @constant */
          code: "INVALID_REQUEST";
        };
      };
    };
    /** @description No valid caller credentials: API Gateway answers this itself, before dirgate runs (`{"message": "Unauthorized"}`) when JWT deployments: the token is missing, expired or not for this API. */
    Unauthenticated: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        /**
         * @example {
         *       "message": "Unauthorized"
         *     }
         */
        "application/json": components["schemas"]["GatewayMessage"];
      };
    };
    /** @description `FORBIDDEN`: the caller is not in the connection's `allow` list; `PROVIDER_PERMISSION_DENIED`: the provider app lacks a scope or permission, or its egress IP is not trusted. API Gateway answers this status itself (`application/json` `{"message": "Forbidden"}`) when IAM deployments: the request is not signed, its signature is wrong, or the principal may not invoke the API.. */
    Forbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 403;
          /** @enum {unknown} */
          code: "FORBIDDEN" | "PROVIDER_PERMISSION_DENIED";
        };
        /**
         * @example {
         *       "message": "Forbidden"
         *     }
         */
        "application/json": components["schemas"]["GatewayMessage"];
      };
    };
    /** @description `METHOD_NOT_ALLOWED`: the path does not take this method; `Allow` lists the ones it takes. Answered by the local server; in AWS, API Gateway answers a method the path does not take with its own 404 (`{"message": "Not Found"}`). */
    MethodNotAllowed: {
      headers: {
        Allow: components["headers"]["Allow"];
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 405;
          /** @constant */
          code: "METHOD_NOT_ALLOWED";
        };
      };
    };
    /** @description `REQUEST_TOO_LARGE`: the body (413), the URL (414) or the headers (431) are over API Gateway's limits. API Gateway answers this status itself (`application/json` `{"message": "Request Entity Too Large"}`) when the body is over 10 MB.. */
    ContentTooLarge: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 413;
          /** @constant */
          code: "REQUEST_TOO_LARGE";
        };
        /**
         * @example {
         *       "message": "Request Entity Too Large"
         *     }
         */
        "application/json": components["schemas"]["GatewayMessage"];
      };
    };
    /** @description `REQUEST_TOO_LARGE`: the body (413), the URL (414) or the headers (431) are over API Gateway's limits. API Gateway's limit: 10 240 bytes for the request line and the header values together. */
    UriTooLong: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 414;
          /** @constant */
          code: "REQUEST_TOO_LARGE";
        };
      };
    };
    /** @description `UPSTREAM_RATE_LIMITED`: the provider's rate limit, after retries; `Retry-After` says when to try again. */
    RateLimited: {
      headers: {
        "Retry-After": components["headers"]["RetryAfter"];
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 429;
          /** @constant */
          code: "UPSTREAM_RATE_LIMITED";
        };
      };
    };
    /** @description `REQUEST_TOO_LARGE`: the body (413), the URL (414) or the headers (431) are over API Gateway's limits. API Gateway's limit: 10 240 bytes for the request line and the header values together. */
    HeadersTooLarge: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 431;
          /** @constant */
          code: "REQUEST_TOO_LARGE";
        };
      };
    };
    /** @description `CONFIG_INVALID`: the connection's secret fails its schema (the detail names fields, never values); `INTERNAL`: a bug: the detail says nothing more; quote `requestId`. API Gateway answers this status itself (`application/json` `{"message": "Internal Server Error"}`) when the function crashed or timed out.. */
    ServerError: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 500;
          /** @enum {unknown} */
          code: "CONFIG_INVALID" | "INTERNAL";
        };
        /**
         * @example {
         *       "message": "Internal Server Error"
         *     }
         */
        "application/json": components["schemas"]["GatewayMessage"];
      };
    };
    /** @description `INTERNAL`: a bug: the detail says nothing more; quote `requestId`. API Gateway answers this status itself (`application/json` `{"message": "Internal Server Error"}`) when the function crashed or timed out.. */
    InternalError: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 500;
          /** @constant */
          code: "INTERNAL";
        };
        /**
         * @example {
         *       "message": "Internal Server Error"
         *     }
         */
        "application/json": components["schemas"]["GatewayMessage"];
      };
    };
    /** @description `UNSUPPORTED_OPERATION`: the connection's provider cannot do this operation. */
    Unsupported: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 501;
          /** @constant */
          code: "UNSUPPORTED_OPERATION";
        };
      };
    };
    /** @description `UPSTREAM_AUTH_FAILED`: the provider rejected the app's credentials (after one re-read of the secret); `UPSTREAM_ERROR`: an upstream error dirgate does not recognise; `upstream.code` keeps it. */
    BadGateway: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 502;
          /** @enum {unknown} */
          code: "UPSTREAM_AUTH_FAILED" | "UPSTREAM_ERROR";
        };
      };
    };
    /** @description `UPSTREAM_UNAVAILABLE`: the provider (or the secret store) failed after retries. `Retry-After` when upstream said how long to wait. API Gateway answers this status itself (`application/json` `{"message": "Service Unavailable"}`) when the integration did not answer in 30 s.. */
    Unavailable: {
      headers: {
        "Retry-After": components["headers"]["RetryAfterWhenKnown"];
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 503;
          /** @constant */
          code: "UPSTREAM_UNAVAILABLE";
        };
        /**
         * @example {
         *       "message": "Service Unavailable"
         *     }
         */
        "application/json": components["schemas"]["GatewayMessage"];
      };
    };
    /** @description `UPSTREAM_TIMEOUT`: no answer within the attempt timeout or the Lambda deadline. */
    Timeout: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/problem+json": components["schemas"]["Problem"] & {
          /** @constant */
          status: 504;
          /** @constant */
          code: "UPSTREAM_TIMEOUT";
        };
      };
    };
  };
  parameters: {
    /**
     * @description The connection (one provider app in one organisation)
     * @example demo-dingtalk
     */
    connection: string;
  };
  requestBodies: never;
  headers: {
    /**
     * @description Seconds to wait before trying again (300 after a DingTalk IP ban)
     * @example 30
     */
    RetryAfter: number;
    /**
     * @description Seconds to wait before trying again (300 after a DingTalk IP ban)
     * @example 30
     */
    RetryAfterWhenKnown: number;
    /**
     * @description The methods the path takes
     * @example GET, HEAD, OPTIONS
     */
    Allow: string;
  };
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  userByMobile: {
    parameters: {
      query?: {
        /** @description include=raw adds the upstream record (sensitive fields removed) */
        include?: "raw";
      };
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /** @description 13800138000, +86 138 0013 8000, +41 44 668 18 00, … */
          mobile: string;
          /**
           * @description Only the id (and enterprise accounts sharing the number), one upstream call
           * @default false
           */
          idsOnly?: boolean;
          /**
           * @description The language of names (DingTalk)
           * @enum {string}
           */
          language?: "zh_CN" | "en_US";
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DirectoryUser"] | components["schemas"]["UserRef"];
        };
      };
      400: components["responses"]["InvalidRequest"];
      401: components["responses"]["Unauthenticated"];
      403: components["responses"]["Forbidden"];
      /** @description `CONNECTION_NOT_FOUND`: no connection of that id (no secret `{prefix}/connections/{connection}`); `USER_NOT_FOUND`: no such user, or outside the app's contact scope. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 404;
            /** @enum {unknown} */
            code: "CONNECTION_NOT_FOUND" | "USER_NOT_FOUND";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      429: components["responses"]["RateLimited"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      501: components["responses"]["Unsupported"];
      502: components["responses"]["BadGateway"];
      503: components["responses"]["Unavailable"];
      504: components["responses"]["Timeout"];
    };
  };
  userByEmail: {
    parameters: {
      query?: {
        /** @description include=raw adds the upstream record (sensitive fields removed) */
        include?: "raw";
      };
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /**
           * Format: email
           * @description zhangsan@example.com (personal or enterprise address)
           */
          email: string;
          /**
           * @description Only the id, one upstream call
           * @default false
           */
          idsOnly?: boolean;
          /**
           * @description The language of names (DingTalk)
           * @enum {string}
           */
          language?: "zh_CN" | "en_US";
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DirectoryUser"] | components["schemas"]["UserRef"];
        };
      };
      400: components["responses"]["InvalidRequest"];
      401: components["responses"]["Unauthenticated"];
      403: components["responses"]["Forbidden"];
      /** @description `CONNECTION_NOT_FOUND`: no connection of that id (no secret `{prefix}/connections/{connection}`); `USER_NOT_FOUND`: no such user, or outside the app's contact scope. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 404;
            /** @enum {unknown} */
            code: "CONNECTION_NOT_FOUND" | "USER_NOT_FOUND";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      429: components["responses"]["RateLimited"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      501: components["responses"]["Unsupported"];
      502: components["responses"]["BadGateway"];
      503: components["responses"]["Unavailable"];
      504: components["responses"]["Timeout"];
    };
  };
  userById: {
    parameters: {
      query?: {
        idType?: "userId" | "loginId" | "openId" | "unionId";
        /** @description The language of names (DingTalk) */
        language?: "zh_CN" | "en_US";
        /** @description include=raw adds the upstream record (sensitive fields removed) */
        include?: "raw";
      };
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
        /**
         * @description The user's id, of the kind idType names
         * @example zhangsan
         */
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DirectoryUser"];
        };
      };
      400: components["responses"]["InvalidRequest"];
      401: components["responses"]["Unauthenticated"];
      403: components["responses"]["Forbidden"];
      /** @description `CONNECTION_NOT_FOUND`: no connection of that id (no secret `{prefix}/connections/{connection}`); `USER_NOT_FOUND`: no such user, or outside the app's contact scope. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 404;
            /** @enum {unknown} */
            code: "CONNECTION_NOT_FOUND" | "USER_NOT_FOUND";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      429: components["responses"]["RateLimited"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      501: components["responses"]["Unsupported"];
      502: components["responses"]["BadGateway"];
      503: components["responses"]["Unavailable"];
      504: components["responses"]["Timeout"];
    };
  };
  usersLookup: {
    parameters: {
      query?: {
        /** @description include=raw adds the upstream record (sensitive fields removed) */
        include?: "raw";
      };
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          items: components["schemas"]["LookupItem"][];
          /**
           * @description Only ids: no profile calls
           * @default false
           */
          idsOnly?: boolean;
          /**
           * @description The language of names (DingTalk)
           * @enum {string}
           */
          language?: "zh_CN" | "en_US";
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["LookupResult"][];
          };
        };
      };
      400: components["responses"]["InvalidRequest"];
      401: components["responses"]["Unauthenticated"];
      403: components["responses"]["Forbidden"];
      /** @description `CONNECTION_NOT_FOUND`: no connection of that id (no secret `{prefix}/connections/{connection}`); `USER_NOT_FOUND`: no such user, or outside the app's contact scope. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 404;
            /** @enum {unknown} */
            code: "CONNECTION_NOT_FOUND" | "USER_NOT_FOUND";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      429: components["responses"]["RateLimited"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      501: components["responses"]["Unsupported"];
      502: components["responses"]["BadGateway"];
      503: components["responses"]["Unavailable"];
      504: components["responses"]["Timeout"];
    };
  };
  department: {
    parameters: {
      query?: {
        departmentIdType?: "departmentId" | "openDepartmentId";
        /** @description The language of names (DingTalk) */
        language?: "zh_CN" | "en_US";
        /** @description include=raw adds the upstream record (sensitive fields removed) */
        include?: "raw";
      };
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
        /**
         * @description The department's id; `root` names the provider's root department
         * @example 5
         */
        departmentId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DirectoryDepartment"];
        };
      };
      400: components["responses"]["InvalidRequest"];
      401: components["responses"]["Unauthenticated"];
      403: components["responses"]["Forbidden"];
      /** @description `CONNECTION_NOT_FOUND`: no connection of that id (no secret `{prefix}/connections/{connection}`); `DEPARTMENT_NOT_FOUND`: no such department, or outside the app's contact scope. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 404;
            /** @enum {unknown} */
            code: "CONNECTION_NOT_FOUND" | "DEPARTMENT_NOT_FOUND";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      429: components["responses"]["RateLimited"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      501: components["responses"]["Unsupported"];
      502: components["responses"]["BadGateway"];
      503: components["responses"]["Unavailable"];
      504: components["responses"]["Timeout"];
    };
  };
  departmentChildren: {
    parameters: {
      query?: {
        /** @description The whole subtree, not only the direct children */
        recursive?: boolean;
        /** @description 1–100, default 50; clamped to the provider's maximum (Feishu 50) */
        pageSize?: number;
        /** @description nextPageToken of the previous page */
        pageToken?: string;
        departmentIdType?: "departmentId" | "openDepartmentId";
        /** @description The language of names (DingTalk) */
        language?: "zh_CN" | "en_US";
        /** @description include=raw adds the upstream record (sensitive fields removed) */
        include?: "raw";
      };
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
        /**
         * @description The department's id; `root` names the provider's root department
         * @example 5
         */
        departmentId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DepartmentPage"];
        };
      };
      400: components["responses"]["InvalidRequest"];
      401: components["responses"]["Unauthenticated"];
      403: components["responses"]["Forbidden"];
      /** @description `CONNECTION_NOT_FOUND`: no connection of that id (no secret `{prefix}/connections/{connection}`); `DEPARTMENT_NOT_FOUND`: no such department, or outside the app's contact scope. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 404;
            /** @enum {unknown} */
            code: "CONNECTION_NOT_FOUND" | "DEPARTMENT_NOT_FOUND";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      429: components["responses"]["RateLimited"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      501: components["responses"]["Unsupported"];
      502: components["responses"]["BadGateway"];
      503: components["responses"]["Unavailable"];
      504: components["responses"]["Timeout"];
    };
  };
  departmentUsers: {
    parameters: {
      query?: {
        /** @description Everyone in the subtree, each person once */
        recursive?: boolean;
        /** @description 1–100, default 50; clamped to the provider's maximum (Feishu 50) */
        pageSize?: number;
        /** @description nextPageToken of the previous page */
        pageToken?: string;
        /** @description Which of each user's ids becomes `id` */
        idType?: "userId" | "loginId" | "openId" | "unionId";
        departmentIdType?: "departmentId" | "openDepartmentId";
        /** @description include=raw adds the upstream record (sensitive fields removed) */
        include?: "raw";
      };
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
        /**
         * @description The department's id; `root` names the provider's root department
         * @example 5
         */
        departmentId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["UserPage"];
        };
      };
      400: components["responses"]["InvalidRequest"];
      401: components["responses"]["Unauthenticated"];
      403: components["responses"]["Forbidden"];
      /** @description `CONNECTION_NOT_FOUND`: no connection of that id (no secret `{prefix}/connections/{connection}`); `DEPARTMENT_NOT_FOUND`: no such department, or outside the app's contact scope. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 404;
            /** @enum {unknown} */
            code: "CONNECTION_NOT_FOUND" | "DEPARTMENT_NOT_FOUND";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      429: components["responses"]["RateLimited"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      501: components["responses"]["Unsupported"];
      502: components["responses"]["BadGateway"];
      503: components["responses"]["Unavailable"];
      504: components["responses"]["Timeout"];
    };
  };
  callbackVerification: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Accepted (and queued) in the provider's format */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": Record<string, never>;
          "text/plain": string;
        };
      };
      /** @description `INVALID_REQUEST`: a field failed validation (`errors` names each), the body is not JSON, a `pageToken` this query did not return. a malformed envelope, XML with a DOCTYPE. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 400;
            /** @constant */
            code: "INVALID_REQUEST";
          };
        };
      };
      /** @description `UNAUTHENTICATED`: the callback's signature, timestamp or token is not valid (or the connection is unknown). */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 401;
            /** @constant */
            code: "UNAUTHENTICATED";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      /** @description `REQUEST_TOO_LARGE`: the body (413), the URL (414) or the headers (431) are over API Gateway's limits. a callback body is at most 64 KB. API Gateway answers this status itself (`application/json` `{"message": "Request Entity Too Large"}`) when the body is over 10 MB.. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 413;
            /** @constant */
            code: "REQUEST_TOO_LARGE";
          };
          /**
           * @example {
           *       "message": "Request Entity Too Large"
           *     }
           */
          "application/json": components["schemas"]["GatewayMessage"];
        };
      };
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      /** @description `UPSTREAM_UNAVAILABLE`: the provider (or the secret store) failed after retries. the change could not be stored, or the secret store failed: the provider retries. API Gateway answers this status itself (`application/json` `{"message": "Service Unavailable"}`) when the integration did not answer in 30 s.. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 503;
            /** @constant */
            code: "UPSTREAM_UNAVAILABLE";
          };
          /**
           * @example {
           *       "message": "Service Unavailable"
           *     }
           */
          "application/json": components["schemas"]["GatewayMessage"];
        };
      };
      504: components["responses"]["Timeout"];
    };
  };
  callback: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /**
         * @description The connection (one provider app in one organisation)
         * @example demo-dingtalk
         */
        connection: components["parameters"]["connection"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          encrypt?: string;
        };
        "text/xml": string;
      };
    };
    responses: {
      /** @description Accepted (and queued) in the provider's format */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": Record<string, never>;
          "text/plain": string;
        };
      };
      /** @description `INVALID_REQUEST`: a field failed validation (`errors` names each), the body is not JSON, a `pageToken` this query did not return. a malformed envelope, XML with a DOCTYPE. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 400;
            /** @constant */
            code: "INVALID_REQUEST";
          };
        };
      };
      /** @description `UNAUTHENTICATED`: the callback's signature, timestamp or token is not valid (or the connection is unknown). */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 401;
            /** @constant */
            code: "UNAUTHENTICATED";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      /** @description `REQUEST_TOO_LARGE`: the body (413), the URL (414) or the headers (431) are over API Gateway's limits. a callback body is at most 64 KB. API Gateway answers this status itself (`application/json` `{"message": "Request Entity Too Large"}`) when the body is over 10 MB.. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 413;
            /** @constant */
            code: "REQUEST_TOO_LARGE";
          };
          /**
           * @example {
           *       "message": "Request Entity Too Large"
           *     }
           */
          "application/json": components["schemas"]["GatewayMessage"];
        };
      };
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["ServerError"];
      /** @description `UPSTREAM_UNAVAILABLE`: the provider (or the secret store) failed after retries. the change could not be stored, or the secret store failed: the provider retries. API Gateway answers this status itself (`application/json` `{"message": "Service Unavailable"}`) when the integration did not answer in 30 s.. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 503;
            /** @constant */
            code: "UPSTREAM_UNAVAILABLE";
          };
          /**
           * @example {
           *       "message": "Service Unavailable"
           *     }
           */
          "application/json": components["schemas"]["GatewayMessage"];
        };
      };
      504: components["responses"]["Timeout"];
    };
  };
  health: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Health"];
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["InternalError"];
    };
  };
  openapi: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description This document */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            openapi: "3.1.0";
            info: Record<string, never>;
            paths: Record<string, never>;
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["InternalError"];
    };
  };
  docs: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The reference page: rendered in the browser from this document (the renderer is served by `/docs/assets/{file}`); without JavaScript, a list of the operations */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/html": string;
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["InternalError"];
    };
  };
  docsAsset: {
    parameters: {
      query?: {
        /** @description The asset's content hash, as the page names it: the answer is then cacheable for a year */
        v?: string;
      };
      header?: never;
      path: {
        /**
         * @description An asset of the reference page
         * @example dirgate-docs.js
         */
        file: "dirgate-docs.js" | "scalar.js";
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The script (gzipped when the request accepts gzip) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/javascript": string;
        };
      };
      /** @description `ROUTE_NOT_FOUND`: no such route (or asset). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"] & {
            /** @constant */
            status: 404;
            /** @constant */
            code: "ROUTE_NOT_FOUND";
          };
        };
      };
      405: components["responses"]["MethodNotAllowed"];
      413: components["responses"]["ContentTooLarge"];
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["InternalError"];
    };
  };
}
