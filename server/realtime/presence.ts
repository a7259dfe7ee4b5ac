// Which crew tablets are connected, per unit: ephemeral (not in the log), so a console can tell a unit that is
// quiet from one whose tablet has lost contact. A unit may have several sockets (two tablets, a reload racing the
// old socket's close); it is online while any is connected.
import type { UnitPresence } from "../../shared/socket";

export class PresenceTracker {
  private readonly sockets = new Map<string, number>();
  private readonly since = new Map<string, string>();

  /** A crew socket of the unit connected; returns the change to broadcast, if the unit came online. */
  connected(unitId: string, at: Date): UnitPresence | null {
    const count = (this.sockets.get(unitId) ?? 0) + 1;
    this.sockets.set(unitId, count);
    if (count > 1) return null;
    this.since.set(unitId, at.toISOString());
    return { unitId, online: true, since: at.toISOString() };
  }

  /** A crew socket closed; returns the change to broadcast, if that was the unit's last one. */
  disconnected(unitId: string, at: Date): UnitPresence | null {
    const count = Math.max(0, (this.sockets.get(unitId) ?? 0) - 1);
    this.sockets.set(unitId, count);
    if (count > 0) return null;
    this.since.set(unitId, at.toISOString());
    return { unitId, online: false, since: at.toISOString() };
  }

  /** Whether a tablet of the unit is connected to this instance. */
  isOnline(unitId: string): boolean {
    return (this.sockets.get(unitId) ?? 0) > 0;
  }

  /** Every unit whose tablet was seen since the server started (units without a tablet are not listed). */
  snapshot(): UnitPresence[] {
    return [...this.since].map(([unitId, since]) => ({ unitId, online: (this.sockets.get(unitId) ?? 0) > 0, since }));
  }
}
