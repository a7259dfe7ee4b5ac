import { describe, expect, it } from "vitest";
import { memoryStorage } from "../../client/src/lib/storage";
import { createOfflineQueue, flushQueue, pendingStatus, type QueuedAction, type SendOutcome } from "../../client/src/tablet/offlineQueue";

const KEY = "queue";

function statusAction(opId: string, status: "en_route" | "on_scene", occurredAt = "2026-11-22T06:00:00.000Z"): QueuedAction {
  return { kind: "unit.status", payload: { unitId: "E1", status, opId, occurredAt, source: "live" } };
}

describe("offline tap queue", () => {
  it("survives a reload: items are read back from storage with their tap time and opId", () => {
    const storage = memoryStorage();
    createOfflineQueue(storage, KEY).getState().enqueue(statusAction("op-00000001", "on_scene", "2026-11-22T06:05:00.000Z"));
    const reloaded = createOfflineQueue(storage, KEY);
    expect(reloaded.getState().items).toHaveLength(1);
    expect(reloaded.getState().items[0]?.action.payload).toMatchObject({ opId: "op-00000001", occurredAt: "2026-11-22T06:05:00.000Z" });
  });

  it("resends an item that was in flight when the page died, with the same opId", () => {
    const storage = memoryStorage();
    const queue = createOfflineQueue(storage, KEY);
    queue.getState().enqueue(statusAction("op-00000001", "on_scene"));
    queue.getState().markSending("op-00000001");
    const reloaded = createOfflineQueue(storage, KEY);
    expect(reloaded.getState().items[0]?.state).toBe("waiting");
  });

  it("does not queue the same opId twice", () => {
    const queue = createOfflineQueue(memoryStorage(), KEY);
    queue.getState().enqueue(statusAction("op-00000001", "on_scene"));
    queue.getState().enqueue(statusAction("op-00000001", "on_scene"));
    expect(queue.getState().items).toHaveLength(1);
  });

  it("delivers in tap order and stops at a transient failure so a later status never overtakes", async () => {
    const storage = memoryStorage();
    const queue = createOfflineQueue(storage, KEY);
    queue.getState().enqueue(statusAction("op-00000001", "en_route"));
    queue.getState().enqueue(statusAction("op-00000002", "on_scene"));
    const sent: string[] = [];
    const offline = async (action: QueuedAction): Promise<SendOutcome> => {
      sent.push(action.payload.opId);
      return { kind: "retry" };
    };
    expect(await flushQueue(queue, offline)).toEqual({ delivered: 0, refused: 0, stopped: true });
    expect(sent).toEqual(["op-00000001"]);
    expect(queue.getState().items.map((item) => item.state)).toEqual(["waiting", "waiting"]);

    const online = async (action: QueuedAction): Promise<SendOutcome> => {
      sent.push(action.payload.opId);
      return { kind: "delivered" };
    };
    expect(await flushQueue(queue, online)).toEqual({ delivered: 2, refused: 0, stopped: false });
    expect(sent).toEqual(["op-00000001", "op-00000001", "op-00000002"]);
    expect(queue.getState().items).toEqual([]);
    expect(storage.data.has(KEY)).toBe(false);
  });

  it("keeps a refused tap visible with the server's reason and moves on to the next", async () => {
    const queue = createOfflineQueue(memoryStorage(), KEY);
    queue.getState().enqueue(statusAction("op-00000001", "en_route", "2026-11-20T06:00:00.000Z"));
    queue.getState().enqueue(statusAction("op-00000002", "on_scene"));
    const result = await flushQueue(queue, async (action) =>
      action.payload.opId === "op-00000001"
        ? { kind: "refused", error: { code: "time_out_of_range", message: "occurredAt is more than 24 h old" } }
        : { kind: "delivered" },
    );
    expect(result).toEqual({ delivered: 1, refused: 1, stopped: false });
    expect(queue.getState().items).toHaveLength(1);
    expect(queue.getState().items[0]).toMatchObject({ state: "refused", error: { code: "time_out_of_range" } });
    queue.getState().dismiss("op-00000001");
    expect(queue.getState().items).toEqual([]);
  });

  it("treats a store outage as try-again rather than a refusal", async () => {
    const queue = createOfflineQueue(memoryStorage(), KEY);
    queue.getState().enqueue(statusAction("op-00000001", "en_route"));
    await flushQueue(queue, async () => ({ kind: "refused", error: { code: "store_unavailable", message: "down" } }));
    expect(queue.getState().items[0]?.state).toBe("waiting");
  });

  it("shows the last tapped status while it waits", () => {
    const queue = createOfflineQueue(memoryStorage(), KEY);
    expect(pendingStatus(queue.getState().items, "E1")).toBeNull();
    queue.getState().enqueue({ kind: "dispatch.ack", payload: { incidentId: "i1", unitId: "E1", opId: "op-00000000", occurredAt: "2026-11-22T06:00:00.000Z" } });
    expect(pendingStatus(queue.getState().items, "E1")).toBe("acknowledged");
    queue.getState().enqueue(statusAction("op-00000001", "en_route"));
    expect(pendingStatus(queue.getState().items, "E1")).toBe("en_route");
    expect(pendingStatus(queue.getState().items, "E2")).toBeNull();
  });

  it("ignores a corrupt stored queue instead of crashing the tablet", () => {
    const storage = memoryStorage({ [KEY]: "{not json" });
    expect(createOfflineQueue(storage, KEY).getState().items).toEqual([]);
    const wrongShape = memoryStorage({ [KEY]: JSON.stringify([{ action: { kind: "drop.tables" } }]) });
    expect(createOfflineQueue(wrongShape, KEY).getState().items).toEqual([]);
  });

  it("keeps fireground records across a reload, in tap order with the status taps, without changing the shown status", () => {
    const storage = memoryStorage();
    const queue = createOfflineQueue(storage, KEY);
    queue.getState().enqueue(statusAction("op-00000001", "on_scene"));
    queue.getState().enqueue({
      kind: "incident.decision",
      payload: { incidentId: "i1", decisionType: "water_withheld", reason: "No visible flame", opId: "op-00000002", occurredAt: "2026-11-22T06:01:00.000Z" },
    });
    queue.getState().enqueue({
      kind: "incident.water_use",
      payload: { incidentId: "i1", agent: "water", nozzle: "fog", fireClass: "E", flameVisible: true, reason: "Power cut", opId: "op-00000003", occurredAt: "2026-11-22T06:02:00.000Z" },
    });
    const reloaded = createOfflineQueue(storage, KEY);
    expect(reloaded.getState().items.map((item) => item.action.kind)).toEqual(["unit.status", "incident.decision", "incident.water_use"]);
    expect(reloaded.getState().items[2]?.action.payload.occurredAt).toBe("2026-11-22T06:02:00.000Z");
    expect(pendingStatus(reloaded.getState().items, "E1")).toBe("on_scene");
    // A stored fireground record without its incident is not ours to send.
    const orphan = memoryStorage({ [KEY]: JSON.stringify([{ action: { kind: "incident.note", payload: { text: "x", opId: "op-00000004", occurredAt: "2026-11-22T06:00:00.000Z" } }, state: "waiting", attempts: 0 }]) });
    expect(createOfflineQueue(orphan, KEY).getState().items).toEqual([]);
  });
});
