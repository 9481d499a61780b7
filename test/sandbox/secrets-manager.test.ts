import {
  CreateSecretCommand,
  DecryptionFailure,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidNextTokenException,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  type SecretsManagerServiceException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import { createSecretsManagerEmulator } from "@dirgate/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, postJson, useSandbox } from "../helpers/sandbox.ts";

const sbx = useSandbox();

function client(endpoint = sbx.current.secretsManager.emulator.baseUrl, requestTimeout?: number) {
  return new SecretsManagerClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
    maxAttempts: 1,
    ...(requestTimeout ? { requestHandler: { requestTimeout, throwOnRequestTimeout: true } } : {}),
  });
}

/** The error a call fails with (the test fails if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<SecretsManagerServiceException> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as SecretsManagerServiceException,
  );
}

const DAY_MS = 86_400_000;
const MARKED = "You can't perform this operation on the secret because it was marked for deletion.";

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

describe("Secrets Manager emulator: scheduled deletion, restore and the secret's metadata", () => {
  const name = "dirgate/local/connections/lifecycle";

  it("schedules a deletion (30 days by default), refuses reads and writes while scheduled, restores", async () => {
    // Prepare
    const sm = client();
    const created = await sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: '{"v":1}',
        Description: "Acme DingTalk app",
        Tags: [{ Key: "team", Value: "identity" }],
      }),
    );
    const before = Date.now() / 1000;

    // Act
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: name }));
    const described = await sm.send(new DescribeSecretCommand({ SecretId: created.ARN }));
    const refusals = await Promise.all([
      failure(sm.send(new GetSecretValueCommand({ SecretId: name }))),
      failure(sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "{}" }))),
      failure(sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: "{}" }))),
      failure(sm.send(new UpdateSecretCommand({ SecretId: name, Description: "x" }))),
      failure(sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: "a", Value: "b" }] }))),
      failure(sm.send(new DeleteSecretCommand({ SecretId: name }))),
    ]);
    const recreate = await failure(sm.send(new CreateSecretCommand({ Name: name, SecretString: "{}" })));
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: [name] }] }));
    const planned = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: "name", Values: [name] }], IncludePlannedDeletion: true }),
    );
    await sm.send(new RestoreSecretCommand({ SecretId: name }));
    const restored = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    const afterRestore = await sm.send(new DescribeSecretCommand({ SecretId: name }));

    // Assess
    expect(deleted).toMatchObject({ ARN: created.ARN, Name: name });
    const window = deleted.DeletionDate!.getTime() / 1000 - before;
    expect(window).toBeGreaterThan(30 * 86_400 - 5);
    expect(window).toBeLessThan(30 * 86_400 + 5);
    expect(described.DeletedDate?.getTime()).toBe(deleted.DeletionDate?.getTime());
    expect(described).toMatchObject({
      Description: "Acme DingTalk app",
      Tags: [{ Key: "team", Value: "identity" }],
    });
    for (const error of refusals) {
      expect(error).toBeInstanceOf(InvalidRequestException);
      expect(error.message).toBe(MARKED);
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    expect(recreate).toBeInstanceOf(InvalidRequestException);
    expect(recreate.message).toBe(
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    );
    expect(listed.SecretList).toEqual([]);
    expect(planned.SecretList?.map((s) => [s.Name, s.DeletedDate?.getTime()])).toEqual([
      [name, deleted.DeletionDate?.getTime()],
    ]);
    expect(restored.SecretString).toBe('{"v":1}');
    expect(afterRestore.DeletedDate).toBeUndefined();
  });

  it("takes a 7–30 day window or a forced deletion, never both; a forced deletion is final", async () => {
    // Prepare
    const sm = client();
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: "{}" }));

    // Act
    const tooShort = await failure(
      sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 6 })),
    );
    const tooLong = await failure(
      sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 31 })),
    );
    const both = await failure(
      sm.send(
        new DeleteSecretCommand({
          SecretId: name,
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
    );
    const week = await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const forced = await sm.send(
      new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }),
    );
    const gone = await failure(sm.send(new GetSecretValueCommand({ SecretId: name })));
    const restore = await failure(sm.send(new RestoreSecretCommand({ SecretId: name })));
    const forcedAgain = await sm.send(
      new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }),
    );
    const plainAgain = await failure(sm.send(new DeleteSecretCommand({ SecretId: name })));

    // Assess
    for (const error of [tooShort, tooLong]) {
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.message).toBe("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
    }
    expect(both).toBeInstanceOf(InvalidParameterException);
    expect(both.message).toBe(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
    expect(Math.round((week.DeletionDate!.getTime() - Date.now()) / DAY_MS)).toBe(7);
    expect(Math.abs(forced.DeletionDate!.getTime() - Date.now())).toBeLessThan(5_000);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect(restore).toBeInstanceOf(ResourceNotFoundException);
    expect(forcedAgain.Name).toBe(name);
    expect(plainAgain).toBeInstanceOf(ResourceNotFoundException);
  });

  it("deletes for good when the recovery window has passed, and the name is free again", async () => {
    // Prepare: an emulator of its own with a clock the test moves
    let now = Date.UTC(2026, 10, 23, 12);
    const own = createSecretsManagerEmulator({ now: () => now });
    await own.emulator.start();
    try {
      const sm = client(own.emulator.baseUrl);
      await sm.send(new CreateSecretCommand({ Name: "s", SecretString: "v1" }));
      const deleted = await sm.send(new DeleteSecretCommand({ SecretId: "s", RecoveryWindowInDays: 7 }));

      // Act
      now += 7 * DAY_MS - 1_000;
      const stillScheduled = await sm.send(new DescribeSecretCommand({ SecretId: "s" }));
      now += 2_000;
      const gone = await failure(sm.send(new DescribeSecretCommand({ SecretId: "s" })));
      const again = await sm.send(new CreateSecretCommand({ Name: "s", SecretString: "v2" }));

      // Assess
      expect(deleted.DeletionDate?.getTime()).toBe(Date.UTC(2026, 10, 30, 12));
      expect(stillScheduled.DeletedDate?.getTime()).toBe(Date.UTC(2026, 10, 30, 12));
      expect(gone).toBeInstanceOf(ResourceNotFoundException);
      expect(again.ARN).not.toBe(deleted.ARN);
    } finally {
      await own.emulator.stop();
    }
  });

  it("describes versions, last changed and last accessed (to the day) dates; updates description and value", async () => {
    // Prepare
    const sm = client();
    const created = await sm.send(
      new CreateSecretCommand({ Name: name, SecretString: "one", Description: "first" }),
    );
    const fresh = await sm.send(new DescribeSecretCommand({ SecretId: name }));

    // Act
    await sm.send(new GetSecretValueCommand({ SecretId: name }));
    const describedOnly = await sm.send(new UpdateSecretCommand({ SecretId: name, Description: "second" }));
    const token = "00000000-0000-4000-8000-000000000042";
    const updated = await sm.send(
      new UpdateSecretCommand({ SecretId: name, SecretString: "two", ClientRequestToken: token }),
    );
    const retried = await sm.send(
      new UpdateSecretCommand({ SecretId: name, SecretString: "two", ClientRequestToken: token }),
    );
    const conflicting = await failure(
      sm.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: "three", ClientRequestToken: token }),
      ),
    );
    const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    const previous = await sm.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }),
    );
    const mismatch = await failure(
      sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: token, VersionStage: "AWSPREVIOUS" })),
    );

    // Assess
    expect(fresh.LastAccessedDate).toBeUndefined();
    expect(fresh.Tags).toBeUndefined();
    expect(describedOnly.VersionId).toBeUndefined();
    expect(updated.VersionId).toBe(token);
    expect(retried.VersionId).toBe(token);
    expect(conflicting).toBeInstanceOf(ResourceExistsException);
    expect(described).toMatchObject({
      ARN: created.ARN,
      Name: name,
      Description: "second",
      VersionIdsToStages: { [created.VersionId!]: ["AWSPREVIOUS"], [token]: ["AWSCURRENT"] },
    });
    expect(described.LastAccessedDate?.getTime()).toBe(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    expect(described.LastChangedDate!.getTime()).toBeGreaterThanOrEqual(fresh.LastChangedDate!.getTime());
    expect(previous.SecretString).toBe("one");
    expect(mismatch).toBeInstanceOf(InvalidRequestException);
    expect(mismatch.message).toBe(
      "You provided a VersionStage that is not associated to the provided VersionId.",
    );
  });

  it("lists version ids oldest first, hiding versions without a stage unless IncludeDeprecated", async () => {
    // Prepare
    const sm = client();
    const v1 = await sm.send(new CreateSecretCommand({ Name: name, SecretString: "1" }));
    const v2 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "2" }));
    const v3 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "3" }));

    // Act
    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));

    // Assess
    expect(listed.Versions?.map((v) => [v.VersionId, v.VersionStages])).toEqual([
      [v2.VersionId, ["AWSPREVIOUS"]],
      [v3.VersionId, ["AWSCURRENT"]],
    ]);
    expect(all.Versions?.map((v) => [v.VersionId, v.VersionStages])).toEqual([
      [v1.VersionId, undefined],
      [v2.VersionId, ["AWSPREVIOUS"]],
      [v3.VersionId, ["AWSCURRENT"]],
    ]);
    expect(listed.Versions?.[0]?.KmsKeyIds).toEqual(["DefaultEncryptionKey"]);
    expect(listed.ARN).toBe(v1.ARN);
  });

  it("merges tags by key and answers an empty Tags list once every tag is removed", async () => {
    // Prepare
    const sm = client();
    await sm.send(
      new CreateSecretCommand({ Name: name, SecretString: "{}", Tags: [{ Key: "a", Value: "1" }] }),
    );

    // Act
    await sm.send(
      new TagResourceCommand({
        SecretId: name,
        Tags: [
          { Key: "b", Value: "2" },
          { Key: "a", Value: "3" },
        ],
      }),
    );
    const tagged = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    await sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ["a", "b", "never-there"] }));
    const untagged = await sm.send(new DescribeSecretCommand({ SecretId: name }));

    // Assess
    expect(tagged.Tags).toEqual([
      { Key: "a", Value: "3" },
      { Key: "b", Value: "2" },
    ]);
    expect(untagged.Tags).toEqual([]);
  });
});

describe("Secrets Manager emulator: ListSecrets filters and pages", () => {
  it("filters by tag key, tag value, description (any case, by word), all, and negation", async () => {
    // Prepare
    const sm = client();
    const make = (Name: string, Description: string, Tags: { Key: string; Value: string }[]) =>
      sm.send(new CreateSecretCommand({ Name, SecretString: "{}", Description, Tags }));
    await make("f/alpha", "Primary DingTalk app", [{ Key: "env", Value: "prod" }]);
    await make("f/beta", "Feishu sandbox", [{ Key: "env", Value: "staging" }]);
    await make("f/gamma", "Spare", [{ Key: "owner", Value: "identity-team" }]);
    const names = async (
      Filters: { Key: "name" | "tag-key" | "tag-value" | "description" | "all"; Values: string[] }[],
    ) =>
      (
        (await sm.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: ["f/"] }, ...Filters] })))
          .SecretList ?? []
      )
        .map((s) => s.Name)
        .sort();

    // Act
    const results = {
      tagKey: await names([{ Key: "tag-key", Values: ["en"] }]),
      tagValue: await names([{ Key: "tag-value", Values: ["prod", "identity"] }]),
      description: await names([{ Key: "description", Values: ["dingtalk"] }]),
      all: await names([{ Key: "all", Values: ["FEISHU"] }]),
      allByTag: await names([{ Key: "all", Values: ["team"] }]),
      negated: await names([{ Key: "tag-key", Values: ["!env"] }]),
    };

    // Assess
    expect(results).toEqual({
      tagKey: ["f/alpha", "f/beta"],
      tagValue: ["f/alpha", "f/gamma"],
      description: ["f/alpha"],
      all: ["f/beta"],
      allByTag: ["f/gamma"],
      negated: ["f/gamma"],
    });
  });

  it("pages with MaxResults and NextToken in creation order, and refuses a forged NextToken", async () => {
    // Prepare
    const sm = client();
    for (const n of ["p/3", "p/1", "p/2"])
      await sm.send(new CreateSecretCommand({ Name: n, SecretString: n }));

    // Act
    const first = await sm.send(
      new ListSecretsCommand({ MaxResults: 2, Filters: [{ Key: "name", Values: ["p/"] }] }),
    );
    const second = await sm.send(
      new ListSecretsCommand({
        MaxResults: 2,
        NextToken: first.NextToken,
        Filters: [{ Key: "name", Values: ["p/"] }],
      }),
    );
    const byName = await sm.send(
      new ListSecretsCommand({
        SortBy: "name",
        SortOrder: "desc",
        Filters: [{ Key: "name", Values: ["p/"] }],
      }),
    );
    const forged = await failure(sm.send(new ListSecretsCommand({ NextToken: "not-a-token" })));

    // Assess
    expect(first.SecretList?.map((s) => s.Name)).toEqual(["p/3", "p/1"]);
    expect(second.SecretList?.map((s) => s.Name)).toEqual(["p/2"]);
    expect(second.NextToken).toBeUndefined();
    expect(byName.SecretList?.map((s) => s.Name)).toEqual(["p/3", "p/2", "p/1"]);
    expect(forged).toBeInstanceOf(InvalidNextTokenException);
  });
});

describe("Secrets Manager emulator: knobs for reliability tests", () => {
  const secretId = "dirgate/local/connections/demo-feishu";

  it("makes GetSecretValue answer DecryptionFailure or AccessDeniedException for one secret only", async () => {
    // Prepare
    const sm = client();
    const secrets = sbx.current.secretsManager;
    secrets.failGetSecretValue(secretId, "DecryptionFailure", 1);

    // Act
    const decryption = await failure(sm.send(new GetSecretValueCommand({ SecretId: secretId })));
    const healed = await sm.send(new GetSecretValueCommand({ SecretId: secretId }));
    secrets.failGetSecretValue(secretId, "AccessDeniedException");
    const denied = await failure(sm.send(new GetSecretValueCommand({ SecretId: healed.ARN })));
    const other = await sm.send(
      new GetSecretValueCommand({ SecretId: "dirgate/local/connections/demo-eiam" }),
    );
    const stillDenied = await failure(sm.send(new GetSecretValueCommand({ SecretId: secretId })));
    secrets.clearFailures();
    const cleared = await sm.send(new GetSecretValueCommand({ SecretId: secretId }));

    // Assess
    expect(decryption).toBeInstanceOf(DecryptionFailure);
    expect(decryption.$metadata.httpStatusCode).toBe(400);
    expect(healed.SecretString).toContain("feishu");
    expect(denied.name).toBe("AccessDeniedException");
    expect(denied.$metadata.httpStatusCode).toBe(400);
    expect(denied.message).toContain("is not authorized to perform: secretsmanager:GetSecretValue");
    expect(other.SecretString).toContain("eiam");
    expect(stillDenied.name).toBe("AccessDeniedException");
    expect(cleared.SecretString).toContain("feishu");
  });

  it("sets the same failures over HTTP under /__sandbox, and reset() clears them", async () => {
    // Prepare
    const base = sbx.current.secretsManager.emulator.baseUrl;

    // Act
    const set = await postJson(`${base}/__sandbox/failures`, { secretId, error: "DecryptionFailure" });
    const bad = await postJson(`${base}/__sandbox/failures`, { secretId, error: "Nope" });
    const failed = await failure(client().send(new GetSecretValueCommand({ SecretId: secretId })));
    sbx.current.reset();
    const afterReset = await client().send(new GetSecretValueCommand({ SecretId: secretId }));

    // Assess
    expect(set.status).toBe(200);
    expect(bad.status).toBe(400);
    expect(failed).toBeInstanceOf(DecryptionFailure);
    expect(afterReset.SecretString).toContain("feishu");
  });

  it("pauses: requests hang (a client-side timeout fires) until resumed, then they are answered", async () => {
    // Prepare
    const secrets = sbx.current.secretsManager;
    secrets.pause();

    // Act
    const timedOut = await failure(
      client(undefined, 150).send(new GetSecretValueCommand({ SecretId: secretId })),
    );
    const waiting = client().send(new GetSecretValueCommand({ SecretId: secretId }));
    await expect.poll(() => secrets.heldRequests()).toBeGreaterThanOrEqual(2);
    const started = Date.now();
    await postJson(`${secrets.emulator.baseUrl}/__sandbox/resume`, {});
    const answered = await waiting;

    // Assess
    expect(timedOut.name).toBe("TimeoutError");
    expect(answered.SecretString).toContain("feishu");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(secrets.heldRequests()).toBe(0);
  });

  it("lets paused requests go when the emulator stops", async () => {
    // Prepare
    const own = createSecretsManagerEmulator();
    await own.emulator.start();
    own.putSecret("s", "v");
    own.pause();
    const pending = client(own.emulator.baseUrl).send(new GetSecretValueCommand({ SecretId: "s" }));
    const settled = pending.then(
      () => "answered",
      () => "failed",
    );
    await expect.poll(() => own.heldRequests()).toBe(1);

    // Act
    await own.emulator.stop();

    // Assess
    expect(await settled).toBe("failed");
    expect(own.heldRequests()).toBe(0);
  });
});

describe("Secrets Manager emulator: an emulator of its own", () => {
  const own = createSecretsManagerEmulator();
  beforeAll(async () => {
    await own.emulator.start();
  });
  afterAll(async () => {
    await own.emulator.stop();
  });

  it("creates a secret without a value, then answers ResourceNotFoundException for its AWSCURRENT", async () => {
    const sm = client(own.emulator.baseUrl);
    const created = await sm.send(new CreateSecretCommand({ Name: "empty" }));
    const error = await failure(sm.send(new GetSecretValueCommand({ SecretId: "empty" })));
    expect(created.VersionId).toBeUndefined();
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
  });

  it("finds a secret by its partial ARN (without the random suffix)", async () => {
    const sm = client(own.emulator.baseUrl);
    const created = await sm.send(new CreateSecretCommand({ Name: "partial", SecretString: "p" }));
    const value = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN!.slice(0, -7) }));
    expect(value.SecretString).toBe("p");
  });
});
