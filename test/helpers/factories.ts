import { randomUUID } from "node:crypto";
import type { CallIntakeBody } from "../../shared/schemas";

/** A phone call near Station 1 unless overridden. */
export function phoneCall(overrides: Partial<CallIntakeBody> = {}): CallIntakeBody {
  return {
    intakeId: randomUUID(),
    source: "phone",
    callerNumber: "+86 138 0000 0001",
    callerName: "Li Wei",
    location: { lat: 37.7808, lng: -122.404, address: "935 Folsom St" },
    incidentType: "structure_fire",
    description: "Smoke from the second floor",
    ...overrides,
  } as CallIntakeBody;
}

/** A point `metres` north of the given one. */
export function north(point: { lat: number; lng: number }, metres: number) {
  return { lat: point.lat + metres / 111_195, lng: point.lng };
}

export const opId = () => `op-${randomUUID()}`;
