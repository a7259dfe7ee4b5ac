// Position reports from tablets. They are not incident events, and a tablet may send many per second (a GPS at
// full rate, or a misbehaving client): each unit's position is written and broadcast at most once per
// POSITION_WRITE_MS, and what comes in between only replaces the report waiting to be written, so the latest
// always lands and nothing else queues up.
import type { Actor } from "../../shared/events";
import type { UnitPositionPayload } from "../../shared/schemas";
import type { UnitPositionUpdate } from "../../shared/socket";
import { errors } from "../core/errors";
import { resolveOccurredAt } from "../core/time";
import type { ServiceContext } from "./context";
import { authorizeUnitAction } from "./units";

interface UnitThrottle {
  /** Clock time of the last write, in ms. */
  lastWriteMs: number;
  /** Time (`at`) of the newest report accepted, written or waiting. */
  latestAt: number;
  waiting: UnitPositionUpdate | null;
  timer: NodeJS.Timeout | null;
}

export class PositionReports {
  private readonly units = new Map<string, UnitThrottle>();

  constructor(
    private readonly context: ServiceContext,
    /** Sends a written position to the consoles. */
    private readonly publish: (update: UnitPositionUpdate) => void,
  ) {}

  /** Accepts a report; it is written now, or kept (replacing any older waiting one) until the unit's next slot. */
  async report(actor: Actor, payload: UnitPositionPayload): Promise<void> {
    authorizeUnitAction(actor, payload.unitId, "report unit positions");
    const unit = await this.context.store.getUnit(payload.unitId);
    if (!unit) throw errors.notFound(`Unit ${payload.unitId}`);
    const nowMs = this.context.clock().getTime();
    const at = resolveOccurredAt(actor, "live", payload.occurredAt, this.context.clock());
    const throttle = this.units.get(unit.id) ?? {
      lastWriteMs: Number.NEGATIVE_INFINITY,
      latestAt: unit.position ? Date.parse(unit.position.at) : Number.NEGATIVE_INFINITY,
      waiting: null,
      timer: null,
    };
    this.units.set(unit.id, throttle);
    // Reports can arrive out of order after a tablet reconnects; an older one must not move the unit back.
    if (Date.parse(at) < throttle.latestAt) return;
    throttle.latestAt = Date.parse(at);
    const update: UnitPositionUpdate = {
      unitId: unit.id,
      lat: payload.lat,
      lng: payload.lng,
      at,
      ...(payload.heading !== undefined ? { heading: payload.heading } : {}),
      ...(payload.speed !== undefined ? { speed: payload.speed } : {}),
    };
    const dueMs = throttle.lastWriteMs + this.context.config.positionWriteMs;
    if (nowMs >= dueMs && !throttle.timer) {
      await this.write(throttle, update);
      return;
    }
    throttle.waiting = update;
    if (!throttle.timer) {
      throttle.timer = setTimeout(() => void this.writeWaiting(throttle), Math.max(0, dueMs - nowMs));
      throttle.timer.unref();
    }
  }

  /** Writes every waiting report (server shutdown). */
  async flush(): Promise<void> {
    for (const throttle of this.units.values()) await this.writeWaiting(throttle);
  }

  private async writeWaiting(throttle: UnitThrottle): Promise<void> {
    if (throttle.timer) clearTimeout(throttle.timer);
    throttle.timer = null;
    const update = throttle.waiting;
    throttle.waiting = null;
    if (!update) return;
    try {
      await this.write(throttle, update);
    } catch (error) {
      this.context.logger.error("writing a unit position failed", { unitId: update.unitId, error: String(error) });
    }
  }

  private async write(throttle: UnitThrottle, update: UnitPositionUpdate): Promise<void> {
    throttle.lastWriteMs = this.context.clock().getTime();
    const { unitId, heading: _heading, speed: _speed, ...position } = update;
    await this.context.store.updateUnitPosition(unitId, position);
    this.publish(update);
  }
}
