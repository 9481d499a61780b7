import type { ChangePipeline } from "@dirgate/dev";
import type { Sandbox } from "@dirgate/sandbox";

/** The environment the callback and change functions read, pointed at a sandbox and its change pipeline. */
export function changePipelineEnv(sbx: Sandbox, pipeline: ChangePipeline): Record<string, string> {
  const described = sbx.describe();
  return {
    DIRGATE_SECRET_PREFIX: sbx.secretPrefix,
    DIRGATE_SECRETS_MANAGER_ENDPOINT: described.secretsManager.endpoint,
    DIRGATE_SQS_ENDPOINT: described.sqs.endpoint,
    DIRGATE_CHANGES_QUEUE_URL: pipeline.changesQueueUrl,
    DIRGATE_EVENTBRIDGE_ENDPOINT: described.eventBridge.endpoint,
    DIRGATE_EVENT_BUS_NAME: pipeline.busName,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    LOG_LEVEL: "SILENT",
  };
}
