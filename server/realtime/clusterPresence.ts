// Tablet presence with several instances (REDIS_URL). A console may sit on another instance than the tablets, and an
// instance can die without saying goodbye for its tablets. So:
// - what is online is asked of every instance at once (socket.io's fetchSockets over the Redis adapter, on the room
//   every crew socket joins), not kept in a store of our own;
// - every instance records the presence changes announced anywhere (to the consoles, and to the other instances),
//   so it knows since when a unit that dropped on another instance has been offline;
// - the holder of the alert lease sweeps every few seconds: a unit the consoles were told is online whose sockets
//   are all gone (its instance died) is announced offline, and a unit online that they were not told about is
//   announced online. A difference must be seen twice in a row, so a change still on its way is not announced twice.
import type { UnitPresence } from "../../shared/socket";

/** Every crew socket joins it: what fetchSockets asks every instance about. */
export const TABLETS_ROOM = "tablets";
export const PRESENCE_SWEEP_MS = 5_000;
/** An instance that does not answer fetchSockets within this is skipped for the round (its sockets unknown). */
export const PRESENCE_FETCH_TIMEOUT_MS = 3_000;
/** A reconnect storm of consoles asks once a second at most, not once per console. */
const FETCH_REUSE_MS = 1_000;

export interface ConnectedTablet {
  unitId: string;
  connectedAt: string;
}

export interface PresenceLink {
  /** The crew sockets connected to any instance; rejects when an instance does not answer in time. */
  fetchTablets(): Promise<ConnectedTablet[]>;
  /** How many sockets of one unit are connected to any instance (its room only: a mass disconnect stays cheap). */
  countUnitSockets(unitId: string): Promise<number>;
  /** Sends changes to the consoles of every instance and to the other instances' records. */
  broadcast(changes: UnitPresence[]): void;
}

/**
 * Asks every instance (fetchSockets), within `ms`: socket.io's own timeout only starts once Redis has answered how
 * many instances there are, and a disconnected Redis client queues that question until it is back.
 */
export async function askInstances<T>(connected: boolean, ask: () => Promise<T>, ms = PRESENCE_FETCH_TIMEOUT_MS): Promise<T> {
  if (!connected) throw new Error("redis is not connected");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the instances did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([ask(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Each unit online anywhere, with the time its earliest socket connected. */
function onlineUnits(tablets: readonly ConnectedTablet[]): Map<string, string> {
  const online = new Map<string, string>();
  for (const { unitId, connectedAt } of tablets) {
    const known = online.get(unitId);
    if (!known || connectedAt < known) online.set(unitId, connectedAt);
  }
  return online;
}

export class ClusterPresence {
  /** What the consoles were last told about each unit, by any instance. */
  private readonly announced = new Map<string, UnitPresence>();
  /** Differences seen by the last sweep, waiting for a second sighting. */
  private readonly pending = new Map<string, { online: boolean; since: string }>();
  private lastFetch: { at: number; generation: number; result: Promise<ConnectedTablet[]> } | undefined;
  /** Counts recorded changes: a fetch from before the latest one is not reused. */
  private generation = 0;

  constructor(private readonly link: PresenceLink) {}

  /** Changes announced by another instance. */
  record(changes: readonly UnitPresence[]): void {
    for (const change of changes) this.announced.set(change.unitId, change);
    this.generation += 1;
  }

  /** A change on this instance: recorded here, sent to every console and every other instance. */
  announce(changes: UnitPresence[]): void {
    if (changes.length === 0) return;
    this.record(changes);
    this.link.broadcast(changes);
  }

  private tablets(fresh: boolean): Promise<ConnectedTablet[]> {
    const now = Date.now();
    const last = this.lastFetch;
    if (!fresh && last && last.generation === this.generation && now - last.at < FETCH_REUSE_MS) return last.result;
    this.lastFetch = { at: now, generation: this.generation, result: this.link.fetchTablets() };
    return this.lastFetch.result;
  }

  /** Whether any socket of the unit is connected to any instance (false when that cannot be told). */
  async connectedAnywhere(unitId: string): Promise<boolean> {
    try {
      return (await this.link.countUnitSockets(unitId)) > 0;
    } catch {
      return false;
    }
  }

  /**
   * What a console gets after its sync: every unit online on any instance, and every unit announced offline (or
   * announced online but no longer connected anywhere: its instance died). When an instance does not answer, what
   * was announced.
   */
  async snapshot(now: Date): Promise<UnitPresence[]> {
    let online: Map<string, string>;
    try {
      online = onlineUnits(await this.tablets(false));
    } catch {
      return [...this.announced.values()];
    }
    const result = new Map<string, UnitPresence>();
    for (const [unitId, known] of this.announced) {
      result.set(unitId, known.online && !online.has(unitId) ? { unitId, online: false, since: now.toISOString() } : known);
    }
    for (const [unitId, connectedAt] of online) {
      const known = this.announced.get(unitId);
      result.set(unitId, { unitId, online: true, since: known?.online ? known.since : connectedAt });
    }
    return [...result.values()];
  }

  /** The lease holder's round: announces what the consoles were told wrong, once seen twice in a row. */
  async sweep(now: Date): Promise<void> {
    let online: Map<string, string>;
    try {
      online = onlineUnits(await this.tablets(true));
    } catch {
      return; // an instance did not answer: its tablets are unknown this round, so nothing is decided
    }
    const differences = new Map<string, UnitPresence>();
    for (const [unitId, connectedAt] of online) {
      if (this.announced.get(unitId)?.online !== true) differences.set(unitId, { unitId, online: true, since: connectedAt });
    }
    for (const [unitId, known] of this.announced) {
      if (known.online && !online.has(unitId)) differences.set(unitId, { unitId, online: false, since: now.toISOString() });
    }
    const changes: UnitPresence[] = [];
    for (const [unitId, difference] of differences) {
      const before = this.pending.get(unitId);
      if (before?.online === difference.online) changes.push({ ...difference, since: before.since });
      else this.pending.set(unitId, { online: difference.online, since: difference.since });
    }
    // A difference not seen again this round was a change on its way: forget it.
    for (const unitId of [...this.pending.keys()]) if (!differences.has(unitId)) this.pending.delete(unitId);
    for (const change of changes) this.pending.delete(change.unitId);
    this.announce(changes);
  }
}
