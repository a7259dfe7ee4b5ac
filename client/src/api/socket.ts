// The one typed socket. Listeners are attached by the realtime modules of each layout, never by components.
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../../shared/socket";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function createSocket(token: string): AppSocket {
  return io({
    path: "/socket.io",
    auth: { token },
    // Keep trying forever: a console must come back by itself after a network outage.
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}

/** Default time to wait for an ack before treating a write as "not delivered yet". */
export const ACK_TIMEOUT_MS = 8000;
