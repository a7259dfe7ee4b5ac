// A stand-in for the typed socket: tests push server events in and answer the client's emits.
import type { ClientToServerEvents, ServerToClientEvents } from "../../shared/socket";

type Handler = (...args: never[]) => void;

export interface FakeSocket {
  connected: boolean;
  emitted: { event: keyof ClientToServerEvents; payload: unknown }[];
  /** How the fake server answers an emit that expects an ack. */
  answer: (event: keyof ClientToServerEvents, payload: unknown) => Promise<unknown>;
  on(event: string, handler: Handler): FakeSocket;
  io: { on(event: string, handler: Handler): void };
  timeout(ms: number): { emitWithAck(event: keyof ClientToServerEvents, payload: unknown): Promise<unknown> };
  volatile: { emit(event: keyof ClientToServerEvents, payload: unknown, ack?: unknown): void };
  removeAllListeners(): void;
  disconnect(): void;
  /** Test side: deliver a server event or a lifecycle event ("connect", "disconnect"). */
  serverEmit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  lifecycle(event: "connect" | "disconnect" | "connect_error", arg?: unknown): void;
}

export function createFakeSocket(): FakeSocket {
  const handlers = new Map<string, Handler[]>();
  const add = (event: string, handler: Handler) => handlers.set(event, [...(handlers.get(event) ?? []), handler]);
  const fire = (event: string, args: unknown[]) => {
    for (const handler of handlers.get(event) ?? []) (handler as (...a: unknown[]) => void)(...args);
  };
  const socket: FakeSocket = {
    connected: false,
    emitted: [],
    answer: async () => ({ ok: true, data: {} }),
    on(event, handler) {
      add(event, handler);
      return socket;
    },
    io: { on: (event, handler) => add(`io:${event}`, handler) },
    timeout: () => ({
      emitWithAck: (event, payload) => {
        socket.emitted.push({ event, payload });
        return socket.answer(event, payload);
      },
    }),
    volatile: { emit: (event, payload) => void socket.emitted.push({ event, payload }) },
    removeAllListeners: () => handlers.clear(),
    disconnect: () => {
      socket.connected = false;
    },
    serverEmit: (event, ...args) => fire(event, args),
    lifecycle: (event, arg) => {
      socket.connected = event === "connect";
      fire(event, arg === undefined ? [] : [arg]);
    },
  };
  return socket;
}

export const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));
