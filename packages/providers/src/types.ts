import type {
  CallOptions,
  DepartmentUsersInput,
  DirectoryUser,
  HttpDeps,
  Logger,
  TokenCache,
  UserByIdInput,
  UserByMobileInput,
  UserPage,
  UserRef,
} from "@dirgate/core";

/** What a provider client needs from its container: injectable so tests need no global mocks. */
export interface ClientDeps {
  http: HttpDeps;
  tokens: TokenCache;
  log?: Logger;
}

/** The lookup operations every provider client offers (UNSUPPORTED_OPERATION where it cannot). */
export interface ProviderClient {
  readonly provider: DirectoryUser["provider"];
  readonly connection: string;
  userByMobile(input: UserByMobileInput, options?: CallOptions): Promise<DirectoryUser | UserRef>;
  userById(input: UserByIdInput, options?: CallOptions): Promise<DirectoryUser>;
  departmentUsers(input: DepartmentUsersInput, options?: CallOptions): Promise<UserPage>;
}
