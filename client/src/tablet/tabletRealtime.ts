// Feeds the tablet: the snapshot first (works offline), then the server's view, then live events; delivers
// the tapped-action queue whenever the socket is connected.
import type { AckResult } from "../../../shared/errors";
import type { FiregroundResult, IncidentView, UnitStatusResult } from "../../../shared/api";
import { api, authStore } from "../api/client";
import { ACK_TIMEOUT_MS, createSocket, type AppSocket } from "../api/socket";
import { connectionStore, incidentStore, unitStore } from "../app/stores";
import { flushQueue, type QueuedAction, type SendOutcome } from "./offlineQueue";
import { readSnapshot, tabletQueue, tabletStorage, tabletStore, writeSnapshot } from "./tabletStore";

export interface TabletRealtime {
  socket: AppSocket;
  flush(): void;
  stop(): void;
}

export function startTabletRealtime(token: string, unitId: string): TabletRealtime {
  const snapshot = readSnapshot(tabletStorage, unitId);
  if (snapshot?.unit) unitStore.getState().upsert(snapshot.unit);
  if (snapshot?.incident) incidentStore.getState().upsertFetched(snapshot.incident);
  if (snapshot?.alert) tabletStore.getState().showAlert(snapshot.alert);

  const socket = createSocket(token);
  let stopped = false;
  let flushing = false;

  const refreshIncident = (incidentId: string) =>
    api
      .getIncident(incidentId)
      .then((detail) => incidentStore.getState().upsertFetched(detail))
      .catch(() => undefined);

  const refresh = async () => {
    try {
      const { units } = await api.listUnits();
      const own = units.find((unit) => unit.id === unitId);
      if (!own) return;
      unitStore.getState().upsert(own);
      if (own.incidentId) await refreshIncident(own.incidentId);
      if (own.status !== "dispatched") tabletStore.getState().clearAlert();
    } catch {
      // Offline: the snapshot stays on screen.
    }
  };

  const applyResult = (result: UnitStatusResult) => {
    unitStore.getState().upsert(result.unit);
    if (result.incident) incidentStore.getState().upsertFetched(result.incident);
  };

  /** Emits one queued action; the answer's incident (or unit) goes into the stores. */
  const emit = async (action: QueuedAction): Promise<AckResult<unknown>> => {
    const withTimeout = socket.timeout(ACK_TIMEOUT_MS);
    const take = <T>(result: AckResult<T>, apply: (data: T) => void): AckResult<T> => {
      if (result.ok) apply(result.data);
      return result;
    };
    const takeIncident = (view: IncidentView) => incidentStore.getState().upsertFetched(view);
    const takeFireground = (data: FiregroundResult) => takeIncident(data.incident);
    switch (action.kind) {
      case "dispatch.ack":
        return take(await withTimeout.emitWithAck("dispatch.ack", action.payload), applyResult);
      case "unit.status":
        return take(await withTimeout.emitWithAck("unit.status", action.payload), applyResult);
      case "incident.phase":
        return take(await withTimeout.emitWithAck("incident.phase", action.payload), takeIncident);
      case "incident.note":
        return take(await withTimeout.emitWithAck("incident.note", action.payload), takeIncident);
      case "incident.command":
        return take(await withTimeout.emitWithAck("incident.command", action.payload), takeFireground);
      case "incident.decision":
        return take(await withTimeout.emitWithAck("incident.decision", action.payload), takeFireground);
      case "incident.water_use":
        return take(await withTimeout.emitWithAck("incident.water_use", action.payload), takeFireground);
    }
  };

  const send = async (action: QueuedAction): Promise<SendOutcome> => {
    if (!socket.connected) return { kind: "retry" };
    let result: AckResult<unknown>;
    try {
      result = await emit(action);
    } catch {
      return { kind: "retry" };
    }
    return result.ok ? { kind: "delivered" } : { kind: "refused", error: result.error };
  };

  const flush = () => {
    if (flushing || stopped || !socket.connected) return;
    if (!tabletQueue.getState().items.some((item) => item.state === "waiting")) return;
    flushing = true;
    void flushQueue(tabletQueue, send).finally(() => {
      flushing = false;
    });
  };

  socket.on("connect", () => {
    connectionStore.getState().connected();
    const unit = unitStore.getState().byId[unitId];
    const incident = unit?.incidentId ? incidentStore.getState().byId[unit.incidentId] : undefined;
    const payload = incident ? { incidents: { [incident.id]: incident.lastSeq } } : {};
    socket
      .timeout(ACK_TIMEOUT_MS * 2)
      .emitWithAck("sync", payload)
      .then((result) => connectionStore.getState().resynced(result.ok ? result.data.replayed : 0))
      .catch(() => connectionStore.getState().resynced(0))
      .finally(() => {
        flush();
        void refresh();
      });
  });
  socket.on("disconnect", () => {
    if (!stopped) connectionStore.getState().disconnected();
  });
  socket.on("connect_error", (error) => {
    if (error.message === "unauthenticated" || error.message === "token_revoked") authStore.getState().logout(error.message === "token_revoked" ? "revoked" : "expired");
    else connectionStore.getState().disconnected();
  });

  socket.on("incident.event", (event) => {
    const outcome = incidentStore.getState().applyEvent(event);
    if (outcome === "gap") void refreshIncident(event.streamId);
  });
  socket.on("unit.updated", (unit) => {
    if (unit.id !== unitId) return;
    const previous = unitStore.getState().byId[unitId];
    unitStore.getState().upsert(unit);
    if (unit.incidentId && unit.incidentId !== previous?.incidentId) void refreshIncident(unit.incidentId);
    if (unit.status !== "dispatched") tabletStore.getState().clearAlert();
  });
  socket.on("dispatch.alert", (alert) => {
    if (alert.unitId !== unitId) return;
    const unit = unitStore.getState().byId[unitId];
    if (unit && unit.incidentId === alert.incidentId && unit.status !== "dispatched") return;
    if (tabletQueue.getState().items.some((item) => item.state !== "refused" && item.action.kind === "dispatch.ack" && item.action.payload.incidentId === alert.incidentId)) return;
    tabletStore.getState().showAlert(alert);
    if (!incidentStore.getState().byId[alert.incidentId]) void refreshIncident(alert.incidentId);
  });
  socket.on("session.revoked", () => authStore.getState().logout("revoked"));
  socket.on("session.expired", () => authStore.getState().logout("expired"));

  // Deliver as soon as something is tapped, and keep trying while anything waits.
  const unsubscribeQueue = tabletQueue.subscribe(() => flush());
  const timer = setInterval(flush, 5000);

  // Keep the device's copy of the assignment current for an offline reload.
  const persist = () => {
    const unit = unitStore.getState().byId[unitId] ?? null;
    const incident = unit?.incidentId ? incidentStore.getState().byId[unit.incidentId] ?? null : null;
    writeSnapshot(tabletStorage, { unit, incident, alert: tabletStore.getState().alert });
  };
  const unsubscribers = [unitStore.subscribe(persist), incidentStore.subscribe(persist), tabletStore.subscribe(persist)];

  void refresh();

  return {
    socket,
    flush,
    stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribeQueue();
      for (const unsubscribe of unsubscribers) unsubscribe();
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
