import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { call, useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();

function client() {
  return new SecretsManagerClient({
    endpoint: sbx.current.secretsManager.emulator.baseUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
    maxAttempts: 1,
  });
}

describe("Secrets Manager emulator, driven by the real AWS SDK", () => {
  it("serves each preloaded demo connection", async () => {
    const sm = client();
    for (const id of ["demo-dingtalk", "demo-dingtalk-legacy", "demo-feishu", "demo-eiam"]) {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: `dirgate/local/connections/${id}` }));
      const value = JSON.parse(out.SecretString!);
      expect(value, id).toEqual(sbx.current.connections[id]);
      expect(out.ARN).toMatch(
        /^arn:aws:secretsmanager:us-east-1:000000000000:secret:dirgate\/local\/connections\//,
      );
      expect(out.VersionStages).toEqual(["AWSCURRENT"]);
      expect(out.CreatedDate).toBeInstanceOf(Date);
    }
    expect(
      JSON.parse(
        (
          await sm.send(
            new GetSecretValueCommand({ SecretId: "dirgate/local/connections/demo-dingtalk-legacy" }),
          )
        ).SecretString!,
      ).userApi,
    ).toBe("legacy");
  });

  it("throws ResourceNotFoundException for an unknown secret", async () => {
    const error = await client()
      .send(new GetSecretValueCommand({ SecretId: "dirgate/local/connections/nope" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
  });

  it("creates, rotates and reads back a secret; the ARN works as SecretId", async () => {
    const sm = client();
    const created = await sm.send(
      new CreateSecretCommand({ Name: "dirgate/local/connections/acme", SecretString: '{"v":1}' }),
    );
    await sm.send(
      new PutSecretValueCommand({ SecretId: "dirgate/local/connections/acme", SecretString: '{"v":2}' }),
    );
    const current = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    const previous = await sm.send(
      new GetSecretValueCommand({ SecretId: created.ARN, VersionStage: "AWSPREVIOUS" }),
    );
    expect(current.SecretString).toBe('{"v":2}');
    expect(previous.SecretString).toBe('{"v":1}');
    const again = await sm
      .send(new CreateSecretCommand({ Name: "dirgate/local/connections/acme", SecretString: "{}" }))
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ResourceExistsException);
  });

  it("lists secrets by name prefix, paged with NextToken", async () => {
    const sm = client();
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(
        new ListSecretsCommand({
          MaxResults: 3,
          NextToken,
          Filters: [{ Key: "name", Values: ["dirgate/local/connections/"] }],
        }),
      );
      names.push(...(page.SecretList ?? []).map((s) => s.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(names.sort()).toEqual(
      sbx.current
        .describe()
        .connections.map((c) => `dirgate/local/connections/${c}`)
        .sort(),
    );
  });

  it("counts GetSecretValue calls and resets restore the demo secrets", async () => {
    const sm = client();
    await sm.send(
      new PutSecretValueCommand({ SecretId: "dirgate/local/connections/demo-feishu", SecretString: "{}" }),
    );
    await sm.send(new GetSecretValueCommand({ SecretId: "dirgate/local/connections/demo-feishu" }));
    expect(sbx.current.secretsManager.emulator.counter("GetSecretValue")).toBe(1);
    sbx.current.reset();
    const restored = await sm.send(
      new GetSecretValueCommand({ SecretId: "dirgate/local/connections/demo-feishu" }),
    );
    expect(JSON.parse(restored.SecretString!).provider).toBe("feishu");
  });

  it("rejects an unsigned request", async () => {
    const answer = await call(sbx.current.secretsManager.emulator.baseUrl, {
      method: "POST",
      headers: {
        "x-amz-target": "secretsmanager.GetSecretValue",
        "content-type": "application/x-amz-json-1.1",
      },
      body: JSON.stringify({ SecretId: "dirgate/local/connections/demo-feishu" }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.__type).toBe("MissingAuthenticationTokenException");
  });
});
