import type { CallOptions } from "@dirgate/core";
import { awsUnavailable, createAwsJsonClient } from "./aws-json.ts";
import type { Settings } from "./settings.ts";

/** One event for the bus. */
export interface BusEvent {
  detailType: string;
  detail: Record<string, unknown>;
}

/** Puts events on the bus, 10 per `PutEvents`; returns the indexes that were not put. */
export type EventPublisher = (events: BusEvent[], options?: CallOptions) => Promise<Set<number>>;

/** `PutEvents` over EventBridge's AWS JSON 1.1 protocol (aws-json.ts), `source: "dirgate"`. */
export function createEventPublisher(settings: Settings): EventPublisher {
  if (!settings.eventBusName) throw new Error("DIRGATE_EVENT_BUS_NAME is required by the change processor");
  const bus = settings.eventBusName;
  const call = createAwsJsonClient({
    service: "events",
    targetPrefix: "AWSEvents",
    version: "1.1",
    region: settings.region,
    endpoint: settings.eventBridgeEndpoint,
    credentials: settings.credentials,
  });
  return async (events, options) => {
    const failed = new Set<number>();
    for (let start = 0; start < events.length; start += 10) {
      const indexes = events.slice(start, start + 10).map((_, j) => start + j);
      try {
        const out = await call<{ Entries?: { EventId?: string; ErrorCode?: string }[] }>(
          "PutEvents",
          {
            Entries: indexes.map((i) => ({
              Source: "dirgate",
              DetailType: events[i]!.detailType,
              Detail: JSON.stringify(events[i]!.detail),
              EventBusName: bus,
            })),
          },
          (error) => awsUnavailable("the event bus", error),
          options,
        );
        (out.Entries ?? []).forEach((entry, j) => {
          if (!entry.EventId || entry.ErrorCode) failed.add(indexes[j]!);
        });
        if ((out.Entries ?? []).length < indexes.length)
          for (const i of indexes.slice((out.Entries ?? []).length)) failed.add(i);
      } catch {
        for (const i of indexes) failed.add(i);
      }
    }
    return failed;
  };
}
