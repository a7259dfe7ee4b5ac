// From a planned request to the HTTP request that carries it: which path, which body, and at what time by the
// replay's clock. Pure, so the bodies the importer sends are tested against the shared schemas.
import type {
  CallIntakeBody,
  CloseBody,
  DispatchBody,
  UnitStatusBody,
  UnitUpsertBody,
} from "../../../shared/schemas";
import type { PlannedRequest } from "./plan";

export const API_PREFIX = "/api/v1";

export type ApiRequest =
  | { method: "POST"; path: string; body: CallIntakeBody }
  | { method: "PUT"; path: string; body: UnitUpsertBody }
  | { method: "POST"; path: string; body: DispatchBody }
  | { method: "POST"; path: string; body: UnitStatusBody }
  | { method: "POST"; path: string; body: CloseBody };

export interface RequestContext {
  /** The replay's time for a file time, as ISO 8601 UTC. */
  isoAt(fileTimeMs: number): string;
  /** The server's incident id for a call, once the call was taken. */
  incidentIdOf(callNumber: string): string | undefined;
}

/** The HTTP request for a planned one, or why it cannot be sent (its call was never taken). */
export function toApiRequest(request: PlannedRequest, context: RequestContext): ApiRequest | { blocked: string } {
  switch (request.kind) {
    case "call": {
      const { call } = request;
      return {
        method: "POST",
        path: `${API_PREFIX}/calls`,
        body: {
          intakeId: call.intakeId,
          source: "import",
          receivedAt: context.isoAt(call.receivedAt),
          location: { lat: call.lat, lng: call.lng, ...(call.address !== undefined ? { address: call.address } : {}) },
          incidentType: call.incidentType,
          ...(call.description !== "" ? { description: call.description } : {}),
          externalId: call.incidentNumber,
        },
      };
    }
    case "unit": {
      const { unit } = request;
      return {
        method: "PUT",
        path: `${API_PREFIX}/units/${encodeURIComponent(unit.unitId)}`,
        body: { callSign: unit.callSign, type: unit.type, station: unit.station, home: unit.home },
      };
    }
    case "dispatch": {
      const incidentId = context.incidentIdOf(request.callNumber);
      if (incidentId === undefined) return { blocked: `call ${request.callNumber} was not taken` };
      return {
        method: "POST",
        path: `${API_PREFIX}/incidents/${encodeURIComponent(incidentId)}/dispatch`,
        body: {
          unitIds: [request.unitId],
          opId: request.opId,
          occurredAt: context.isoAt(request.at),
          source: "import",
          // History may show a unit taken from another call before it cleared (a re-route).
          reassign: true,
        },
      };
    }
    case "status": {
      const incidentId = context.incidentIdOf(request.callNumber);
      if (incidentId === undefined) return { blocked: `call ${request.callNumber} was not taken` };
      return {
        method: "POST",
        path: `${API_PREFIX}/units/${encodeURIComponent(request.unitId)}/status`,
        // The incident is named: a unit's later times on a call it was re-routed from belong to that call.
        body: { status: request.status, opId: request.opId, occurredAt: context.isoAt(request.at), source: "import", incidentId },
      };
    }
    case "close": {
      const incidentId = context.incidentIdOf(request.callNumber);
      if (incidentId === undefined) return { blocked: `call ${request.callNumber} was not taken` };
      return {
        method: "POST",
        path: `${API_PREFIX}/incidents/${encodeURIComponent(incidentId)}/close`,
        body: { opId: request.opId, occurredAt: context.isoAt(request.at), source: "import" },
      };
    }
  }
}

/**
 * The replay's clock. Instant: the file's own times. Speed N: the first call happens at `startMs` and the file's
 * time line runs N times faster from there, so a request is due exactly when the time it carries comes.
 */
export function replayClock(
  mode: { kind: "instant" } | { kind: "speed"; speed: number; startMs: number },
  firstMs: number,
): (fileTimeMs: number) => number {
  if (mode.kind === "instant") return (fileTimeMs: number) => fileTimeMs;
  return (fileTimeMs: number) => mode.startMs + Math.round((fileTimeMs - firstMs) / mode.speed);
}
