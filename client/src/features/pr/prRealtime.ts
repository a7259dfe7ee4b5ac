// Feeds the PR screen: the incident list once, then the pr room's live events (presented by the server without
// any caller's data), and a replay from the last applied position after every reconnect.
import { useEffect, useState } from "react";
import type { IncidentEvent } from "../../../../shared/events";
import { api, authStore } from "../../api/client";
import { ACK_TIMEOUT_MS, createSocket, type AppSocket } from "../../api/socket";
import { connectionStore, incidentStore } from "../../app/stores";
import { createRefetcher } from "../../console/consoleRealtime";

/**
 * Newest incidents the live list starts from; live events add the ones that follow. Older incidents are found with
 * the search (a page at a time), so the first load stays small.
 */
const FIRST_PAGE = 50;

/** Starts the feed for this session; returns the error of the first load, if it failed. */
export function usePrRealtime(token: string): unknown {
  const [loadError, setLoadError] = useState<unknown>(null);
  useEffect(() => {
    let stopped = false;
    let socket: AppSocket | null = null;
    const refetch = createRefetcher();
    api
      .listIncidents("all", FIRST_PAGE)
      .then(({ incidents, position }) => {
        if (stopped) return;
        incidentStore.getState().replaceAll(incidents, position);
        // Connected only once the list is in, so the first sync replays exactly what came after it.
        const live = createSocket(token);
        socket = live;
        live.on("connect", () => {
          connectionStore.getState().connected();
          live
            .timeout(ACK_TIMEOUT_MS * 2)
            .emitWithAck("sync", { position: incidentStore.getState().position })
            .then((result) => connectionStore.getState().resynced(result.ok ? result.data.replayed : 0))
            .catch(() => connectionStore.getState().resynced(0));
        });
        live.on("disconnect", () => {
          if (!stopped) connectionStore.getState().disconnected();
        });
        const apply = (event: IncidentEvent) => {
          if (incidentStore.getState().applyEvent(event) === "gap") refetch(event.streamId);
        };
        live.on("incident.event", apply);
        // A replay after sync: the same events, several in one message.
        live.on("incident.events", (events) => events.forEach(apply));
        live.on("session.revoked", () => authStore.getState().logout());
      })
      .catch((error: unknown) => {
        if (!stopped) setLoadError(error);
      });
    return () => {
      stopped = true;
      socket?.removeAllListeners();
      socket?.disconnect();
      incidentStore.getState().reset();
    };
  }, [token]);
  return loadError;
}
