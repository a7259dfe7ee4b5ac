// Crew members' names and property owners are personal data: audiences without personal data (pr) get the
// fireground record with them withheld. Reasons stay, scrubbed like every free text: they are what a resident is
// owed.
import type { CommanderRef, RadioedFor } from "../../shared/decisions";
import type { IncidentEvent } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import { REDACTED as WITHHELD } from "../../shared/redaction";
import type { PropertyAffected } from "../../shared/schemas";

type Scrub = (text: string) => string;

function commanderWithoutName<T extends CommanderRef | null | undefined>(commander: T): T {
  return (commander ? { ...commander, name: WITHHELD } : commander) as T;
}

function radioedWithoutName(recordedFor: RadioedFor | undefined): { recordedFor?: RadioedFor } {
  return recordedFor ? { recordedFor: { ...recordedFor, name: WITHHELD } } : {};
}

function propertyWithoutOwner(property: PropertyAffected | undefined, scrub: Scrub): { propertyAffected?: PropertyAffected } {
  if (!property) return {};
  return {
    propertyAffected: { description: scrub(property.description), ...(property.owner !== undefined ? { owner: WITHHELD } : {}) },
  };
}

function reasonScrubbed(reason: string | undefined, scrub: Scrub): { reason?: string } {
  return reason === undefined ? {} : { reason: scrub(reason) };
}

export function redactFiregroundEvent(event: IncidentEvent, scrub: Scrub): IncidentEvent {
  switch (event.type) {
    case "incident.command":
      return {
        ...event,
        payload: {
          ...event.payload,
          commanderName: WITHHELD,
          ...(event.payload.previous ? { previous: commanderWithoutName(event.payload.previous) } : {}),
        },
      };
    case "incident.decision":
      return {
        ...event,
        payload: {
          ...event.payload,
          reason: scrub(event.payload.reason),
          commander: commanderWithoutName(event.payload.commander),
          ...radioedWithoutName(event.payload.recordedFor),
          ...propertyWithoutOwner(event.payload.propertyAffected, scrub),
        },
      };
    case "incident.water_use":
      return {
        ...event,
        payload: {
          ...event.payload,
          ...reasonScrubbed(event.payload.reason, scrub),
          commander: commanderWithoutName(event.payload.commander),
          ...radioedWithoutName(event.payload.recordedFor),
        },
      };
    default:
      return event;
  }
}

export function redactFiregroundState<T extends IncidentState>(state: T, scrub: Scrub): T {
  return {
    ...state,
    ...(state.command ? { command: commanderWithoutName(state.command) } : {}),
    ...(state.commandHistory ? { commandHistory: state.commandHistory.map((record) => commanderWithoutName(record)) } : {}),
    ...(state.decisions ? { decisions: state.decisions.map((decision) => ({
      ...decision,
      reason: scrub(decision.reason),
      commander: commanderWithoutName(decision.commander),
      ...radioedWithoutName(decision.recordedFor),
      ...propertyWithoutOwner(decision.propertyAffected, scrub),
    })) } : {}),
    ...(state.waterUses ? { waterUses: state.waterUses.map((use) => ({
      ...use,
      ...reasonScrubbed(use.reason, scrub),
      commander: commanderWithoutName(use.commander),
      ...radioedWithoutName(use.recordedFor),
    })) } : {}),
  };
}
