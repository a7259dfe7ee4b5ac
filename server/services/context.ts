import type { Actor, LogEvent } from "../../shared/events";
import { allows, type RoleAction } from "../../shared/policy";
import type { IncidentState } from "../../shared/incident";
import type { AppConfig } from "../config";
import { errors } from "../core/errors";
import type { Clock } from "../core/time";
import type { WriteQueue } from "../core/writeQueue";
import type { Logger } from "../logger";
import type { Store, UnitRecord } from "../store/types";

/** What a committed command tells the realtime layer. Called inside the write queue, in log order. */
export interface CommittedChange {
  events: LogEvent[];
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

/** Refuses an action the policy does not allow this actor's role; `description` completes "may not ...". */
export function authorize(actor: Actor, action: RoleAction, description: string): void {
  if (!allows(actor.role, action)) throw errors.forbidden(`A ${actor.role} account may not ${description}.`);
}

/** Refuses when a record-dependent policy answer (`can.readIncident(...)`, ...) is no. */
export function ensureAllowed(allowed: boolean, message: string): void {
  if (!allowed) throw errors.forbidden(message);
}
