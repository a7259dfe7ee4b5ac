import { describe, expect, it } from "vitest";
import { personalSpans, personalStringsOf, scrubText } from "../../shared/redaction";

const calls = [
  { callId: "c1", intakeId: "i1", source: "phone" as const, receivedAt: "2026-01-01T00:00:00Z", location: { lat: 1, lng: 2 },
    incidentType: "structure_fire" as const, callerName: "Wang Wei", callerNumber: "+86 138-0013-8000" },
  { callId: "c2", intakeId: "i2", source: "transfer" as const, receivedAt: "2026-01-01T00:00:00Z", location: { lat: 1, lng: 2 },
    incidentType: "structure_fire" as const, transfer: { fromCenter: "120", externalId: "x", callbackNumber: "010 5555 0101" } },
];

describe("scrubbing free text for audiences without personal data", () => {
  const personal = personalStringsOf(calls);

  it("removes known names whatever their case and known numbers whatever their spacing", () => {
    expect(scrubText("wang wei called from 8613800138000, call back 01055550101", personal)).toBe(
      "[redacted] called from [redacted], call back [redacted]",
    );
  });

  it("masks any phone- or ID-like number, but keeps incident numbers, dates, times and small counts", () => {
    expect(scrubText("ID 11010519900307123X, tel 555-0199 or 5550199; see 2026-00123 on 2026-03-01 at 10:15, 3 engines", [])).toBe(
      "ID [number], tel [number] or [number]; see 2026-00123 on 2026-03-01 at 10:15, 3 engines",
    );
  });

  it("names the spans a reviewer must remove", () => {
    expect(personalSpans("Wang Wei at 138 0013 8000 and 2026-00123", personal)).toEqual(["Wang Wei", "138 0013 8000"]);
  });
});
