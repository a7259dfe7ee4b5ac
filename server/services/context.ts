import type { Role } from "../../shared/domain";
import type { Actor, IncidentEvent } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import type { AppConfig } from "../config";
import type { CommitBuilder } from "../core/commitBuilder";
import { errors } from "../core/errors";
import type { Clock } from "../core/time";
import type { WriteQueue } from "../core/writeQueue";
import type { Logger } from "../logger";
import type { Store, UnitRecord } from "../store/types";

/** What a committed command tells the realtime layer. Called inside the write queue, in log order. */
export interface CommittedChange {
  events: IncidentEvent[];
  units: UnitRecord[];
  incidents: IncidentState[];
}

export interface Notifier {
  committed(change: CommittedChange): void;
}

export interface ServiceContext {
  store: Store;
  config: AppConfig;
  queue: WriteQueue;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
}

/** Durably commits what the builder collected, then tells the realtime layer. Must run inside the queue. */
export async function commitAndPublish(context: ServiceContext, builder: CommitBuilder): Promise<IncidentEvent[]> {
  const commit = builder.build();
  const events = await context.store.commit(commit);
  context.notifier.committed({ events, units: commit.units, incidents: commit.incidents.map((record) => record.state) });
  return events;
}

export function authorize(actor: Actor, roles: readonly Role[], action: string): void {
  if (!roles.includes(actor.role)) {
    throw errors.forbidden(`A ${actor.role} account may not ${action}.`);
  }
}
