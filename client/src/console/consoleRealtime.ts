// Feeds the console's stores: first load, then live socket events, and a resync after every reconnect
// (replay from the last applied log position) so the screen ends up exactly at the server's state.
import type { UserView } from "../../../shared/api";
import type { IncidentEvent } from "../../../shared/events";
import { api, authStore } from "../api/client";
import { ApiError } from "../api/http";
import { ACK_TIMEOUT_MS, createSocket, type AppSocket } from "../api/socket";
import { alertStore, connectionStore, incidentStore, prefsStore, unitStore } from "../app/stores";
import { beep, type BeepPattern } from "../features/alerts/beep";

export interface ConsoleRealtime {
  socket: AppSocket;
  stop(): void;
}

/** Fetches incidents that showed a gap (or are unknown), once at a time per incident. */
export function createRefetcher() {
  const inFlight = new Set<string>();
  return (incidentId: string) => {
    if (inFlight.has(incidentId)) return;
    inFlight.add(incidentId);
    api
      .getIncident(incidentId)
      .then((detail) => incidentStore.getState().upsertFetched(detail))
      .catch(() => undefined)
      .finally(() => inFlight.delete(incidentId));
  };
}

function sound(pattern: BeepPattern) {
  if (!prefsStore.getState().muted) beep(pattern);
}

export async function loadConsoleData(): Promise<void> {
  const [units, incidents] = await Promise.all([api.listUnits(), api.listIncidents("open")]);
  unitStore.getState().replaceAll(units.units);
  incidentStore.getState().replaceAll(incidents.incidents, incidents.position);
}

export function startConsoleRealtime(token: string, me: UserView): ConsoleRealtime {
  const socket = createSocket(token);
  const refetch = createRefetcher();
  let lastNewCallBeep = 0;
  let stopped = false;

  // A replay stops at the server's per-sync cap (`more`): sync again from where it stopped until live.
  const resync = (replayedSoFar = 0) => {
    const { position } = incidentStore.getState();
    socket
      .timeout(ACK_TIMEOUT_MS * 2)
      .emitWithAck("sync", { position })
      .then((result) => {
        if (!result.ok) throw new ApiError(0, result.error);
        if (result.data.more) resync(replayedSoFar + result.data.replayed);
        else connectionStore.getState().resynced(replayedSoFar + result.data.replayed);
      })
      .catch(async () => {
        // The replay did not complete: take the whole picture again instead.
        await loadConsoleData().catch(() => undefined);
        connectionStore.getState().resynced(0);
      });
  };

  socket.on("connect", () => {
    const reconnect = connectionStore.getState().everConnected;
    connectionStore.getState().connected();
    resync();
    // Unit records are not in the event log: take them again after a gap.
    if (reconnect) api.listUnits().then((units) => unitStore.getState().replaceAll(units.units)).catch(() => undefined);
  });
  socket.on("disconnect", () => {
    if (!stopped) connectionStore.getState().disconnected();
  });
  socket.on("connect_error", (error) => {
    if (error.message === "unauthenticated" || error.message === "token_revoked") authStore.getState().logout(error.message === "token_revoked" ? "revoked" : "expired");
    else connectionStore.getState().disconnected();
  });
  socket.io.on("reconnect_attempt", () => connectionStore.getState().disconnected());

  socket.on("incident.event", (event) => applyLive(event));
  // A replay after sync: the same events, several in one message.
  socket.on("incident.events", (events) => {
    for (const event of events) applyLive(event);
  });
  function applyLive(event: IncidentEvent): void {
    const outcome = incidentStore.getState().applyEvent(event);
    if (outcome === "gap") refetch(event.streamId);
    if (outcome !== "applied") return;
    if (event.type === "incident.created" && event.actor.userId !== me.id) {
      alertStore.getState().raise({ kind: "newCall", incidentId: event.streamId, incidentNumber: event.payload.number, at: Date.now() });
      if (Date.now() - lastNewCallBeep > 1500) {
        lastNewCallBeep = Date.now();
        sound("newCall");
      }
    }
  }
  socket.on("dispatch.overdue", (overdue) => {
    alertStore.getState().reportOverdue(overdue);
    alertStore.getState().raise({
      kind: "overdue",
      incidentId: overdue.incidentId,
      incidentNumber: overdue.incidentNumber,
      callSign: overdue.callSign,
      at: Date.now(),
    });
    sound("overdue");
  });
  socket.on("unit.updated", (unit) => unitStore.getState().upsert(unit));
  socket.on("unit.position", (update) => unitStore.getState().updatePosition(update));
  socket.on("unit.presence", (changes) => unitStore.getState().updatePresence(changes));
  socket.on("session.revoked", () => authStore.getState().logout("revoked"));
  socket.on("session.expired", () => authStore.getState().logout("expired"));

  return {
    socket,
    stop() {
      stopped = true;
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
