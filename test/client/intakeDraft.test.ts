import { describe, expect, it } from "vitest";
import {
  isDraftBlank,
  addressFill,
  draftLocation,
  draftToBody,
  emptyDraft,
  locationFill,
  parseTransfer,
  transferFromSearch,
} from "../../client/src/features/intake/draft";

const INTAKE_ID = "6f1c1f8e-2f44-4d7b-9a57-4c8f2f3b9a10";

describe("call draft", () => {
  it("builds a phone call body from what the dispatcher typed", () => {
    const draft = { ...emptyDraft(INTAKE_ID), callerNumber: " 13800138000 ", incidentType: "structure_fire" as const, coordinates: "37.7801, -122.4102", address: "100 Market St" };
    expect(draftToBody(draft)).toEqual({
      ok: true,
      body: { intakeId: INTAKE_ID, source: "phone", callerNumber: "13800138000", incidentType: "structure_fire", location: { lat: 37.7801, lng: -122.4102, address: "100 Market St" } },
    });
  });

  it("places the call at a map click or a picked known address through the same coordinates field", () => {
    const clicked = { ...emptyDraft(INTAKE_ID), ...locationFill({ lat: 37.7808123456, lng: -122.404 }) };
    expect(clicked.coordinates).toBe("37.780812, -122.404000");
    expect(draftLocation(clicked)).toEqual({ lat: 37.780812, lng: -122.404 });

    const picked = { ...emptyDraft(INTAKE_ID), incidentType: "structure_fire" as const, ...addressFill({ address: "935 FOLSOM ST.", lat: 37.78092, lng: -122.40418 }) };
    expect(draftLocation(picked)).toEqual({ lat: 37.78092, lng: -122.40418 });
    expect(draftToBody(picked)).toMatchObject({ ok: true, body: { location: { lat: 37.78092, lng: -122.40418, address: "935 FOLSOM ST." } } });
  });

  it("links the call to an existing incident instead of creating one", () => {
    const draft = { ...emptyDraft(INTAKE_ID), incidentType: "structure_fire" as const, coordinates: "37.78 -122.41" };
    const result = draftToBody(draft, "inc-123");
    expect(result.ok && result.body.incidentId).toBe("inc-123");
  });

  it("refuses a call without a location or a type, naming the fields", () => {
    const result = draftToBody(emptyDraft(INTAKE_ID));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path).sort()).toEqual(["incidentType", "location"]);
  });

  it("fills the form from a pasted transfer record so nothing is retyped", () => {
    const record = JSON.stringify({
      fromCenter: "110",
      externalId: "110-2026-555",
      fromAgent: "Officer Zhang",
      callbackNumber: "13700137000",
      incidentType: "vehicle_fire",
      description: "Car burning on the bridge",
      location: { lat: 37.79, lng: -122.39, address: "Bay Bridge" },
    });
    const parsed = parseTransfer(record);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const draft = { ...emptyDraft(INTAKE_ID), ...parsed.fill };
    expect(draft).toMatchObject({ source: "transfer", callerNumber: "13700137000", coordinates: "37.79, -122.39", address: "Bay Bridge" });
    const body = draftToBody(draft);
    expect(body.ok && body.body.transfer).toEqual({ fromCenter: "110", externalId: "110-2026-555", fromAgent: "Officer Zhang", callbackNumber: "13700137000" });
  });

  it("accepts a call body with a nested transfer and reads it from the URL", () => {
    const text = JSON.stringify({ transfer: { fromCenter: "120", externalId: "A-1" }, incidentType: "medical", location: { lat: 1, lng: 2 } });
    const search = `?transfer=${encodeURIComponent(text)}`;
    const fromUrl = transferFromSearch(search);
    expect(fromUrl).toBe(text);
    const parsed = parseTransfer(fromUrl ?? "");
    expect(parsed.ok && parsed.fill.fromCenter).toBe("120");
  });

  it("explains why a transfer record cannot be used", () => {
    expect(parseTransfer("nonsense")).toEqual({ ok: false, message: "not JSON" });
    const missing = parseTransfer(JSON.stringify({ fromCenter: "110" }));
    expect(missing.ok).toBe(false);
  });

  it("calls a draft blank only when nothing was typed (F2 then starts a new call without asking)", () => {
    const blank = emptyDraft("id-1");
    expect(isDraftBlank(blank)).toBe(true);
    expect(isDraftBlank({ ...blank, callerNumber: "  " })).toBe(true);
    expect(isDraftBlank({ ...blank, callerNumber: "138" })).toBe(false);
    expect(isDraftBlank({ ...blank, coordinates: "37.7, -122.4" })).toBe(false);
    expect(isDraftBlank({ ...blank, incidentType: "medical" })).toBe(false);
  });
});
