import { redact } from "@dirgate/core";
import { describe, expect, it } from "vitest";

/**
 * The redaction rules, one by one (packages/core/src/redact.ts): which names count as credentials,
 * in which spellings, where a value ends, what stays readable, and how named secrets are replaced.
 */

/** Every credential name the scrubber knows, as words (DESIGN: tokens and secrets never leave). */
const CREDENTIAL_NAMES = [
  "access token",
  "refresh token",
  "id token",
  "tenant access token",
  "app access token",
  "user access token",
  "suite access token",
  "x acs dingtalk access token",
  "x amz security token",
  "security token",
  "session token",
  "secret access key",
  "app secret",
  "appkey secret",
  "client secret",
  "corp secret",
  "suite secret",
  "aes key",
  "encoding aes key",
  "encrypt key",
  "verification token",
  "password",
  "passwd",
];

const snake = (words: string) => words.split(" ").join("_");
const kebab = (words: string) => words.split(" ").join("-");
const camel = (words: string) =>
  words
    .split(" ")
    .map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join("");
const joined = (words: string) => words.split(" ").join("");

describe("redact: credential-named keys", () => {
  it.each(CREDENTIAL_NAMES)("strips the value of %s in every spelling and notation", (words) => {
    for (const key of [snake(words), kebab(words), camel(words), joined(words), snake(words).toUpperCase()]) {
      expect(redact(`${key}=v4lue-1&page=2`)).toBe(`${key}=[REDACTED]&page=2`);
      expect(redact(`${key}: v4lue-2`)).toBe(`${key}: [REDACTED]`);
      expect(redact(`{"${key}":"v4lue-3","n":1}`)).toBe(`{"${key}":"[REDACTED]","n":1}`);
      expect(redact(`${key} = 'v4lue-4'`)).toBe(`${key} = '[REDACTED]'`);
    }
  });

  it("ends a value at the delimiters of URLs, JSON, headers and prose", () => {
    expect(redact("access_token=t1&userid=a")).toBe("access_token=[REDACTED]&userid=a");
    expect(redact("access_token=t1 userid=a")).toBe("access_token=[REDACTED] userid=a");
    expect(redact("access_token=t1,userid=a")).toBe("access_token=[REDACTED],userid=a");
    expect(redact("access_token=t1;userid=a")).toBe("access_token=[REDACTED];userid=a");
    expect(redact("{access_token:t1}")).toBe("{access_token:[REDACTED]}");
    expect(redact("access_token=t1\nuserid=a")).toBe("access_token=[REDACTED]\nuserid=a");
    expect(redact("access_token=t1\tuserid=a")).toBe("access_token=[REDACTED]\tuserid=a");
    expect(redact(`'access_token':'t1'`)).toBe(`'access_token':'[REDACTED]'`);
    // Several on one line, each one.
    expect(redact("appsecret=s1&access_token=t1&x=1")).toBe(
      "appsecret=[REDACTED]&access_token=[REDACTED]&x=1",
    );
  });

  it("takes any amount of space around the separator", () => {
    expect(redact("password   :   hunter2 ok")).toBe("password   :   [REDACTED] ok");
    expect(redact("password=\thunter2")).toBe("password=\t[REDACTED]");
  });

  it("leaves names that merely contain a credential name alone", () => {
    for (const text of [
      "nextPageToken=abc123",
      "passwordHint=abc123",
      "mypassword=abc123",
      "client_secret_expires_at=0",
      "access_tokens=abc123",
      "Xaccess_token=abc123",
      "access_token_type=bearer",
    ]) {
      expect(redact(text)).toBe(text);
    }
    // A separator character before the name is not part of a longer name.
    expect(redact("my_password=abc123")).toBe("my_password=[REDACTED]");
    expect(redact("?access_token=abc123")).toBe("?access_token=[REDACTED]");
  });

  it("leaves a key that has no value, or no separator, alone", () => {
    expect(redact("no access_token in the answer")).toBe("no access_token in the answer");
    expect(redact("password")).toBe("password");
    expect(redact("password=")).toBe("password=");
  });

  it("does not redact what is already redacted", () => {
    expect(redact("access_token=[REDACTED]&x=1")).toBe("access_token=[REDACTED]&x=1");
    expect(redact('{"password":"[REDACTED]"}')).toBe('{"password":"[REDACTED]"}');
  });
});

describe("redact: Authorization schemes", () => {
  it("strips Bearer and Basic credentials, any case, keeping the scheme", () => {
    expect(redact("sent Bearer eyJhbGciOi.J9x-y_z~ ok")).toBe("sent Bearer [REDACTED] ok");
    expect(redact("sent Basic dXNlcjpwYXNz== ok")).toBe("sent Basic [REDACTED] ok");
    expect(redact("bearer abc123")).toBe("bearer [REDACTED]");
    expect(redact("BASIC dXNlcjpwYXNz")).toBe("BASIC [REDACTED]");
    expect(redact("Bearer   t-123/456+789")).toBe("Bearer [REDACTED]");
    expect(redact("Bearer a Bearer b1")).toBe("Bearer a Bearer [REDACTED]");
  });

  it("leaves a plain word after the scheme alone (prose), but not a word with digits or inner capitals", () => {
    expect(redact("Bearer token.")).toBe("Bearer token.");
    expect(redact("Basic authentication, then")).toBe("Basic authentication, then");
    expect(redact("Bearer Token")).toBe("Bearer Token");
    expect(redact("Bearer tok3n")).toBe("Bearer [REDACTED]");
    expect(redact("Bearer abcDEF")).toBe("Bearer [REDACTED]");
    expect(redact("Bearer token..")).toBe("Bearer [REDACTED]");
    expect(redact("Bearer .token")).toBe("Bearer [REDACTED]");
  });

  it("needs the scheme to be a word of its own", () => {
    expect(redact("XBearer abc123")).toBe("XBearer abc123");
  });

  it("strips an Authorization header's whole value, quoted or not, to the end of the value", () => {
    expect(redact("Authorization: Token abc def\nnext: 1")).toBe("Authorization: [REDACTED]\nnext: 1");
    expect(redact('{"Authorization":"Token abc","n":1}')).toBe('{"Authorization":"[REDACTED]","n":1}');
    expect(redact("authorization=Digest x, y")).toBe("authorization=[REDACTED], y");
    expect(redact("AUTHORIZATION :  opaque}")).toBe("AUTHORIZATION :  [REDACTED]}");
    expect(redact("Authorization: [REDACTED]")).toBe("Authorization: [REDACTED]");
    expect(redact('authorization: " [REDACTED]"')).toBe('authorization: " [REDACTED]"');
  });
});

describe("redact: named secret values", () => {
  it("replaces every occurrence of each named secret, wherever it is", () => {
    expect(redact("k=s3cr3t, again s3cr3t; other x9y8", ["s3cr3t", "x9y8"])).toBe(
      "k=[REDACTED], again [REDACTED]; other [REDACTED]",
    );
  });

  it("skips absent secrets and ones too short to be a secret (they would shred ordinary text)", () => {
    expect(redact("a b abc abcd", [undefined, "", "a", "abc"])).toBe("a b abc abcd");
    expect(redact("a b abc abcd", ["abcd"])).toBe("a b abc [REDACTED]");
  });

  it("redacts nothing beyond the rules without secrets", () => {
    const plain = "dingtalk.user.get: no such user (60121)";
    expect(redact(plain)).toBe(plain);
    expect(redact(plain, [])).toBe(plain);
  });
});
