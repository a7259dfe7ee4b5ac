// Keeps a syncing socket's replay and its live stream apart, with no gap and no duplicate, even when live events
// come from other server instances (through Redis, at any time, in any order relative to this instance's reads).
//
// A sync opens a gate on its socket before its last read of the store: from then on, live events for that socket
// are held instead of sent. After the read, the gate is released: held events that the read did not cover are
// sent, and for a while afterwards a late live event the read already covered (another instance's broadcast that
// arrives after the read) is not sent again. One process: the same, and it costs nothing while no gate is open.
import type { IncidentEvent } from "../../shared/events";

/** What a released gate has already sent: live events it covers are dropped. */
export type AlreadySent = (event: IncidentEvent) => boolean;

interface Gate {
  /** Held live events while the last read runs; null once released. */
  held: IncidentEvent[] | null;
  alreadySent: AlreadySent;
  expiry: ReturnType<typeof setTimeout> | null;
}

/** Several instances: how long a released gate keeps dropping covered events (far longer than Redis takes). */
export const CLUSTER_COVER_MS = 60_000;

export class LiveGates {
  private readonly gates = new Map<string, Gate>();

  /**
   * @param coverMs how long a released gate drops live events its replay covered. One process: 0, since no live
   * event can arrive after the read that covered it (commits are delivered inside the write queue).
   */
  constructor(private readonly coverMs: number) {}

  /** Opens (or reopens) the gate of a socket: live events are held from now on. */
  hold(socketId: string): void {
    this.close(socketId);
    this.gates.set(socketId, { held: [], alreadySent: () => false, expiry: null });
  }

  /**
   * Releases a held gate: returns the held events the read did not cover, in log order, for the caller to send;
   * later live events that `alreadySent` covers are dropped for a while.
   */
  release(socketId: string, alreadySent: AlreadySent): IncidentEvent[] {
    const gate = this.gates.get(socketId);
    if (!gate?.held) return [];
    const toSend = gate.held.filter((event) => !alreadySent(event)).sort((a, b) => a.position - b.position);
    if (this.coverMs <= 0) {
      this.gates.delete(socketId);
      return toSend;
    }
    gate.held = null;
    gate.alreadySent = alreadySent;
    gate.expiry = setTimeout(() => this.gates.delete(socketId), this.coverMs);
    gate.expiry.unref();
    return toSend;
  }

  close(socketId: string): void {
    const gate = this.gates.get(socketId);
    if (gate?.expiry) clearTimeout(gate.expiry);
    this.gates.delete(socketId);
  }

  /**
   * Of the sockets about to receive `event` live (`receives` tells which), those that must not get it now: their
   * gate holds it (it is kept for the release) or their replay covered it.
   */
  skip(event: IncidentEvent, presented: IncidentEvent, receives: (socketId: string) => boolean): string[] {
    if (this.gates.size === 0) return [];
    const skipped: string[] = [];
    for (const [socketId, gate] of this.gates) {
      if (!receives(socketId)) continue;
      if (gate.held) {
        gate.held.push(presented);
        skipped.push(socketId);
      } else if (gate.alreadySent(event)) {
        skipped.push(socketId);
      }
    }
    return skipped;
  }
}
