// Nothing a crew taps is lost: every action is written to device storage with the time it was tapped and
// an opId, then delivered in order when the connection allows. The server de-duplicates by opId, so an
// action whose ack was lost is simply sent again.
import { isRetryableCode } from "../../../shared/errors";
import { createStore } from "zustand/vanilla";
import type { ErrorBody } from "../../../shared/errors";
import type {
  CommandPayload,
  DecisionPayload,
  DispatchAckPayload,
  NotePayload,
  PhasePayload,
  UnitStatusPayload,
  WaterUsePayload,
} from "../../../shared/schemas";
import { isRecord, readJson, writeJson, type StorageLike } from "../lib/storage";

/** Every queued action carries its opId and the time it was tapped. */
type Tapped<T> = T & { opId: string; occurredAt: string };

export type UnitAction =
  | { kind: "dispatch.ack"; payload: Tapped<DispatchAckPayload> }
  | { kind: "unit.status"; payload: Tapped<UnitStatusPayload> };

/** Fireground records on the incident the unit is working: the socket events of the same names. */
export type FiregroundAction =
  | { kind: "incident.phase"; payload: Tapped<PhasePayload> }
  | { kind: "incident.note"; payload: Tapped<NotePayload> }
  | { kind: "incident.command"; payload: Tapped<CommandPayload> }
  | { kind: "incident.decision"; payload: Tapped<DecisionPayload> }
  | { kind: "incident.water_use"; payload: Tapped<WaterUsePayload> };

export type QueuedAction = UnitAction | FiregroundAction;

const UNIT_KINDS: readonly string[] = ["dispatch.ack", "unit.status"];
const FIREGROUND_KINDS: readonly string[] = ["incident.phase", "incident.note", "incident.command", "incident.decision", "incident.water_use"];

export function isUnitAction(action: QueuedAction): action is UnitAction {
  return UNIT_KINDS.includes(action.kind);
}

export type QueueItemState = "waiting" | "sending" | "refused";

export interface QueueItem {
  action: QueuedAction;
  state: QueueItemState;
  attempts: number;
  /** Why the server refused it (shown to the crew, kept until dismissed). */
  error?: { code: string; message: string };
}

export type SendOutcome = { kind: "delivered" } | { kind: "refused"; error: ErrorBody | { code: string; message: string } } | { kind: "retry" };

export interface OfflineQueueState {
  items: QueueItem[];
  enqueue(action: QueuedAction): void;
  markSending(opId: string): void;
  delivered(opId: string): void;
  refused(opId: string, error: { code: string; message: string }): void;
  /** Back to waiting (no answer came; send again later). */
  retryLater(opId: string): void;
  dismiss(opId: string): void;
}

export const opIdOf = (item: QueueItem) => item.action.payload.opId;

function isQueueItem(value: unknown): value is QueueItem {
  if (!isRecord(value) || !isRecord(value.action)) return false;
  const { kind, payload } = value.action;
  if (typeof kind !== "string" || !isRecord(payload)) return false;
  const addressed = UNIT_KINDS.includes(kind)
    ? typeof payload.unitId === "string"
    : FIREGROUND_KINDS.includes(kind) && typeof payload.incidentId === "string";
  return (
    addressed &&
    typeof payload.opId === "string" &&
    typeof payload.occurredAt === "string" &&
    (value.state === "waiting" || value.state === "sending" || value.state === "refused")
  );
}

function isQueue(value: unknown): value is QueueItem[] {
  return Array.isArray(value) && value.every(isQueueItem);
}

export function createOfflineQueue(storage: StorageLike, key: string) {
  // An item caught "sending" by a reload or crash was maybe not delivered: send it again (same opId).
  const restored = (readJson(storage, key, isQueue) ?? []).map((item) =>
    item.state === "sending" ? { ...item, state: "waiting" as const } : item,
  );
  return createStore<OfflineQueueState>()((set, get) => {
    const save = (items: QueueItem[]) => {
      writeJson(storage, key, items.length > 0 ? items : null);
      set({ items });
    };
    const update = (opId: string, change: (item: QueueItem) => QueueItem | null) => {
      const items: QueueItem[] = [];
      for (const item of get().items) {
        if (opIdOf(item) !== opId) items.push(item);
        else {
          const changed = change(item);
          if (changed) items.push(changed);
        }
      }
      save(items);
    };
    return {
      items: restored,
      enqueue(action) {
        if (get().items.some((item) => opIdOf(item) === action.payload.opId)) return;
        save([...get().items, { action, state: "waiting", attempts: 0 }]);
      },
      markSending(opId) {
        update(opId, (item) => ({ ...item, state: "sending", attempts: item.attempts + 1 }));
      },
      delivered(opId) {
        update(opId, () => null);
      },
      refused(opId, error) {
        update(opId, (item) => ({ ...item, state: "refused", error: { code: error.code, message: error.message } }));
      },
      retryLater(opId) {
        update(opId, (item) => ({ ...item, state: "waiting" }));
      },
      dismiss(opId) {
        update(opId, () => null);
      },
    };
  });
}

export type OfflineQueue = ReturnType<typeof createOfflineQueue>;

/**
 * Codes that mean "try again later" rather than "no": the shared retryable codes, and for a queued tap also an
 * ended session (the crew logs in again and the tap still goes out, once, by its opId).
 */
export function isRetryable(code: string): boolean {
  return isRetryableCode(code) || code === "unauthenticated";
}

/**
 * Sends waiting items one by one, in the order they were tapped. Stops at the first item that could not
 * be delivered for a transient reason, so a later status never overtakes an earlier one.
 */
export async function flushQueue(
  queue: OfflineQueue,
  send: (action: QueuedAction) => Promise<SendOutcome>,
): Promise<{ delivered: number; refused: number; stopped: boolean }> {
  let delivered = 0;
  let refused = 0;
  for (;;) {
    const next = queue.getState().items.find((item) => item.state === "waiting");
    if (!next) return { delivered, refused, stopped: false };
    const opId = opIdOf(next);
    queue.getState().markSending(opId);
    let outcome: SendOutcome;
    try {
      outcome = await send(next.action);
    } catch {
      outcome = { kind: "retry" };
    }
    if (outcome.kind === "delivered") {
      queue.getState().delivered(opId);
      delivered++;
    } else if (outcome.kind === "refused" && !isRetryable(outcome.error.code)) {
      queue.getState().refused(opId, outcome.error);
      refused++;
    } else {
      queue.getState().retryLater(opId);
      return { delivered, refused, stopped: true };
    }
  }
}

/** The status the crew last tapped and is still waiting to send, if any (what the screen shows). */
export function pendingStatus(items: readonly QueueItem[], unitId: string): UnitStatusPayload["status"] | "acknowledged" | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (!item || item.state === "refused" || !isUnitAction(item.action) || item.action.payload.unitId !== unitId) continue;
    return item.action.kind === "dispatch.ack" ? "acknowledged" : item.action.payload.status;
  }
  return null;
}
