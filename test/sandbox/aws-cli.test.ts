import { createHash } from "node:crypto";
import { createEventBridgeEmulator, createSecretsManagerEmulator, createSqsEmulator } from "@dirgate/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsCliResult, aws, awsCliOnPath, startAwsCli } from "../helpers/aws-cli.ts";

/**
 * The real AWS CLI (botocore: JSON 1.1 for Secrets Manager and EventBridge, JSON 1.0 with
 * query-compatible errors for SQS) against the emulators. CI has `aws` on PATH; without it the
 * block is skipped and says so. Each chain runs in a CLI session (the CLI's own code, one Python
 * interpreter per chain: ~0.15 s a command instead of ~0.7 s of start-up) and the three chains run
 * concurrently; one command runs the `aws` executable itself, in a process of its own.
 */
const available = awsCliOnPath();
if (!available) console.warn("aws-cli.test.ts: skipped, the `aws` CLI is not on PATH (CI installs it)");

const secrets = createSecretsManagerEmulator();
const sqs = createSqsEmulator();
const events = createEventBridgeEmulator({
  deliverToSqs: (arn, body, options) => sqs.sendToArn(arn, body, options),
});

/** Expects a successful call and answers its parsed output. */
function ok(result: AwsCliResult): any {
  expect(result.stderr.trim(), result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.json ?? {};
}

/** A CLI timestamp: an epoch number (v1's default `cli_timestamp_format`) or an ISO string. */
const epochMs = (value: unknown) => (typeof value === "number" ? value * 1000 : Date.parse(String(value)));

describe
  .skipIf(!available)
  .concurrent(
    available ? "the real aws CLI against the emulators" : "the real aws CLI — SKIPPED: `aws` is not on PATH",
    () => {
      beforeAll(async () => {
        await Promise.all([secrets.emulator.start(), sqs.emulator.start(), events.emulator.start()]);
      });
      afterAll(async () => {
        await Promise.all([secrets.emulator.stop(), sqs.emulator.stop(), events.emulator.stop()]);
      });

      it("secretsmanager: create, describe, read, update, version, tag, filter, schedule, restore, force-delete", async ({
        onTestFinished,
      }) => {
        const session = startAwsCli();
        onTestFinished(() => session.close());
        const sm = (...args: string[]) => session.run(secrets.emulator.baseUrl, ["secretsmanager", ...args]);
        const name = "cli/acme-dingtalk";
        secrets.putSecret("cli/untagged", "{}");

        const created = ok(
          await sm(
            "create-secret",
            "--name",
            name,
            "--secret-string",
            '{"v":1}',
            "--description",
            "Acme DingTalk",
            "--tags",
            "Key=team,Value=identity",
          ),
        );
        // Queued at once (a session runs them in order): describe and read the new secret, then tag it.
        const [described, value] = (
          await Promise.all([
            sm("describe-secret", "--secret-id", name),
            sm("get-secret-value", "--secret-id", created.ARN),
            sm("tag-resource", "--secret-id", name, "--tags", "Key=env,Value=prod"),
          ])
        ).map(ok);
        expect(described).toMatchObject({
          ARN: created.ARN,
          Name: name,
          Description: "Acme DingTalk",
          Tags: expect.arrayContaining([{ Key: "team", Value: "identity" }]),
          VersionIdsToStages: { [created.VersionId]: ["AWSCURRENT"] },
        });
        expect(value).toMatchObject({
          SecretString: '{"v":1}',
          VersionId: created.VersionId,
          VersionStages: ["AWSCURRENT"],
        });

        const [updated, filtered] = (
          await Promise.all([
            sm(
              "update-secret",
              "--secret-id",
              name,
              "--secret-string",
              '{"v":2}',
              "--description",
              "Acme v2",
            ),
            sm("list-secrets", "--filters", "Key=tag-key,Values=env"),
          ])
        ).map(ok);
        expect(updated.VersionId).not.toBe(created.VersionId);
        expect(filtered.SecretList.map((s: any) => s.Name)).toEqual([name]);

        const versions = ok(await sm("list-secret-version-ids", "--secret-id", name));
        expect(versions.Versions.map((v: any) => [v.VersionId, v.VersionStages])).toEqual([
          [created.VersionId, ["AWSPREVIOUS"]],
          [updated.VersionId, ["AWSCURRENT"]],
        ]);

        const deleted = ok(await sm("delete-secret", "--secret-id", name));
        const days = (epochMs(deleted.DeletionDate) - Date.now()) / 86_400_000;
        expect(Math.round(days)).toBe(30);

        const refused = await aws(secrets.emulator.baseUrl, [
          "secretsmanager",
          "get-secret-value",
          "--secret-id",
          name,
        ]);
        expect([254, 255]).toContain(refused.code);
        expect(refused.stderr).toContain(
          "An error occurred (InvalidRequestException) when calling the GetSecretValue operation: You can't perform this operation on the secret because it was marked for deletion.",
        );

        ok(await sm("restore-secret", "--secret-id", name));
        expect(ok(await sm("get-secret-value", "--secret-id", name)).SecretString).toBe('{"v":2}');

        ok(await sm("delete-secret", "--secret-id", name, "--force-delete-without-recovery"));
        const gone = await sm("get-secret-value", "--secret-id", name);
        expect(gone.code).not.toBe(0);
        expect(gone.stderr).toContain(
          "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.",
        );
      });

      it("sqs: message attributes with AWS's MD5s, receive --wait-time-seconds, delete, list-queues, a FIFO round trip, errors", async ({
        onTestFinished,
      }) => {
        const session = startAwsCli();
        onTestFinished(() => session.close());
        const cli = (...args: string[]) => session.run(sqs.emulator.baseUrl, ["sqs", ...args]);
        const [standard, fifo] = (
          await Promise.all([
            cli("create-queue", "--queue-name", "cli-queue"),
            cli(
              "create-queue",
              "--queue-name",
              "cli-queue.fifo",
              "--attributes",
              "FifoQueue=true,ContentBasedDeduplication=true",
            ),
          ])
        ).map((r) => ok(r).QueueUrl as string);

        const [sent, batch] = (
          await Promise.all([
            cli(
              "send-message",
              "--queue-url",
              standard!,
              "--message-body",
              "hello",
              "--message-attributes",
              '{"Foo":{"DataType":"String","StringValue":"Bar"}}',
            ),
            cli(
              "send-message-batch",
              "--queue-url",
              fifo!,
              "--entries",
              '[{"Id":"1","MessageBody":"first","MessageGroupId":"g"},{"Id":"2","MessageBody":"second","MessageGroupId":"g"}]',
            ),
          ])
        ).map(ok);
        // MD5s: of the body, and of the attributes as AWS digests {Foo: String "Bar"} (recorded from AWS).
        expect(sent.MD5OfMessageBody).toBe(createHash("md5").update("hello").digest("hex"));
        expect(sent.MD5OfMessageAttributes).toBe("ae7155c6026991b6d54b11589678bf9c");
        expect(batch.Successful.map((e: any) => e.Id)).toEqual(["1", "2"]);

        const [received, fifoReceived, listed, missing] = await Promise.all([
          cli(
            "receive-message",
            "--queue-url",
            standard!,
            "--wait-time-seconds",
            "2",
            "--message-attribute-names",
            "All",
            "--attribute-names",
            "All",
          ),
          cli(
            "receive-message",
            "--queue-url",
            fifo!,
            "--max-number-of-messages",
            "10",
            "--attribute-names",
            "All",
          ),
          cli("list-queues", "--queue-name-prefix", "cli-queue"),
          cli("get-queue-url", "--queue-name", "cli-missing"),
        ]);
        const message = ok(received).Messages[0];
        expect(message).toMatchObject({
          Body: "hello",
          MD5OfBody: sent.MD5OfMessageBody,
          MD5OfMessageAttributes: "ae7155c6026991b6d54b11589678bf9c",
          MessageAttributes: { Foo: { DataType: "String", StringValue: "Bar" } },
          Attributes: { ApproximateReceiveCount: "1", SenderId: "x" },
        });
        const ordered = ok(fifoReceived).Messages;
        expect(ordered.map((m: any) => [m.Body, m.Attributes.MessageGroupId])).toEqual([
          ["first", "g"],
          ["second", "g"],
        ]);
        expect(
          BigInt(ordered[0].Attributes.SequenceNumber) < BigInt(ordered[1].Attributes.SequenceNumber),
        ).toBe(true);
        expect(ok(listed).QueueUrls).toEqual([standard, fifo]);
        expect([254, 255]).toContain(missing.code);
        expect(missing.stderr).toContain(
          "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation: The specified queue does not exist.",
        );

        ok(await cli("delete-message", "--queue-url", standard!, "--receipt-handle", message.ReceiptHandle));
        expect(sqs.messages("cli-queue")).toEqual([]);
      });

      it("events: put-rule and put-targets to an SQS queue, put-events, and the event arrives on the queue", async ({
        onTestFinished,
      }) => {
        const session = startAwsCli();
        onTestFinished(() => session.close());
        const cli = (...args: string[]) => session.run(events.emulator.baseUrl, ["events", ...args]);
        sqs.createQueue("cli-events");
        const rule = ok(
          await cli(
            "put-rule",
            "--name",
            "cli-rule",
            "--event-pattern",
            '{"source":["dirgate.cli"],"detail":{"kind":[{"prefix":"lookup."}]}}',
          ),
        );
        expect(rule.RuleArn).toBe("arn:aws:events:us-east-1:000000000000:rule/cli-rule");
        ok(
          await cli(
            "put-targets",
            "--rule",
            "cli-rule",
            "--targets",
            `Id=queue,Arn=${sqs.queueArn("cli-events")}`,
          ),
        );

        const put = ok(
          await cli(
            "put-events",
            "--entries",
            JSON.stringify([
              { Source: "dirgate.cli", DetailType: "cli.test", Detail: '{"kind":"lookup.done","n":1}' },
              { Source: "dirgate.cli", DetailType: "cli.test", Detail: '{"kind":"other"}' },
            ]),
          ),
        );
        expect(put.FailedEntryCount).toBe(0);
        expect(put.Entries).toHaveLength(2);

        const delivered = sqs.messages("cli-events").map((m) => JSON.parse(m.body));
        expect(delivered).toEqual([
          {
            version: "0",
            id: put.Entries[0].EventId,
            "detail-type": "cli.test",
            source: "dirgate.cli",
            account: "000000000000",
            time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
            region: "us-east-1",
            resources: [],
            detail: { kind: "lookup.done", n: 1 },
          },
        ]);
      });
    },
  );
