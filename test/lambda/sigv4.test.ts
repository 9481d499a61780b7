import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { type AwsRequestToSign, signAwsRequest } from "../../packages/lambda/src/aws-json.ts";

/**
 * dirgate's SigV4 (node:crypto, no `Headers`) against aws4fetch's, which it replaced: the same
 * inputs give the same signed headers, byte for byte.
 */
const DATETIME = "20261123T101530Z";
const CASES: (AwsRequestToSign & { name: string })[] = [
  {
    name: "Secrets Manager GetSecretValue, no session token",
    method: "POST",
    url: "https://secretsmanager.us-east-1.amazonaws.com",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "secretsmanager.GetSecretValue",
    },
    body: JSON.stringify({ SecretId: "dirgate/prod/connections/acme" }),
    service: "secretsmanager",
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  },
  {
    name: "SQS SendMessageBatch in a China region, with a session token and a path",
    method: "POST",
    url: "https://sqs.cn-north-1.amazonaws.com.cn/000000000000/dirgate-results",
    headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessageBatch" },
    body: JSON.stringify({ QueueUrl: "q", Entries: [{ Id: "0", MessageBody: "名前 ünïcode" }] }),
    service: "sqs",
    region: "cn-north-1",
    credentials: {
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret/with+chars",
      sessionToken: "IQoJb3JpZ2luX2VjE//token+with/slashes==",
    },
  },
  {
    name: "a sandbox endpoint with a port, a query and odd path characters",
    method: "POST",
    url: "http://127.0.0.1:4566//a b/(c)*!?z=1&a=2&a=1&empty=&sp=x%20y",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AWSEvents.PutEvents",
      "x-extra": "  a   b  ",
    },
    body: "",
    service: "events",
    region: "eu-west-1",
    credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox", sessionToken: "tok" },
  },
];

describe("signAwsRequest (node:crypto) signs as aws4fetch's AwsV4Signer does", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const theirs = await new AwsV4Signer({
      method: c.method,
      url: c.url,
      headers: c.headers,
      body: c.body,
      service: c.service,
      region: c.region,
      datetime: DATETIME,
      ...c.credentials,
    }).sign();
    const expected: Record<string, string> = {};
    theirs.headers.forEach((value, key) => {
      expected[key] = value;
    });
    const ours = signAwsRequest({ ...c, datetime: DATETIME });
    expect(ours).toEqual(expected);
    expect(ours["authorization"]).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${c.credentials.accessKeyId}/20261123/${c.region}/${c.service}/aws4_request, SignedHeaders=host;`,
      ),
    );
  });

  it("matches AWS's published example signature (the get-vanilla test of the SigV4 suite)", () => {
    // aws-sig-v4-test-suite/get-vanilla: GET / with host and x-amz-date, empty body.
    const headers = signAwsRequest({
      method: "GET",
      url: "https://example.amazonaws.com/",
      headers: {},
      body: "",
      service: "service",
      region: "us-east-1",
      datetime: "20150830T123600Z",
      credentials: {
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      },
    });
    expect(headers["authorization"]).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });

  it("signs with a fresh date each call and the cached key of the day", () => {
    const request = { ...CASES[0]!, credentials: { ...CASES[0]!.credentials } };
    const a = signAwsRequest({ ...request, datetime: "20261123T000000Z" });
    const b = signAwsRequest({ ...request, datetime: "20261124T000000Z" });
    expect(a["authorization"]).not.toBe(b["authorization"]);
    expect(signAwsRequest({ ...request, datetime: "20261123T000000Z" })).toEqual(a);
    expect(signAwsRequest(request)["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
  });
});
