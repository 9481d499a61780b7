export * from "./directory-user.ts";
export * from "./errors.ts";
export * from "./http.ts";
export type { Logger } from "./logger.ts";
export * from "./operations.ts";
export * from "./phone.ts";
export * from "./rate-limiter.ts";
export * from "./redact.ts";
export * from "./tokens.ts";
