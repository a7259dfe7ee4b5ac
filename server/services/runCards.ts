import { INCIDENT_TYPES, type IncidentType, type UnitType } from "../../shared/domain";
import type { Actor } from "../../shared/events";
import type { RunCard, RunCardBody } from "../../shared/schemas";
import { authorize, type ServiceContext } from "./context";
import { runCommand } from "./runCommand";

type Mix = Partial<Record<UnitType, number>>;
const card = (incidentType: IncidentType, ...levels: Mix[]): RunCard => ({
  incidentType,
  levels: levels.map((mix, index) => ({
    alarmLevel: index + 1,
    units: Object.entries(mix).map(([type, count]) => ({ type: type as UnitType, count: count ?? 1 })),
  })),
});

/** A starting point modelled on common first-alarm assignments; admins replace them per center. */
export const DEFAULT_RUN_CARDS: Record<IncidentType, RunCard> = {
  structure_fire: card(
    "structure_fire",
    { engine: 3, ladder: 1, rescue: 1, command: 1, medic: 1 },
    { engine: 5, ladder: 2, rescue: 1, command: 2, medic: 2 },
  ),
  vehicle_fire: card("vehicle_fire", { engine: 1 }),
  outside_fire: card("outside_fire", { engine: 1 }, { engine: 3, tanker: 1 }),
  wildland_fire: card("wildland_fire", { engine: 2, wildland: 2, tanker: 1, command: 1 }),
  alarm: card("alarm", { engine: 1, ladder: 1 }),
  hazmat: card("hazmat", { engine: 1, hazmat: 1, command: 1 }),
  rescue: card("rescue", { engine: 1, rescue: 1, medic: 1 }),
  medical: card("medical", { medic: 1, engine: 1 }),
  service: card("service", { engine: 1 }),
  other: card("other", { engine: 1 }),
};

/** Run cards saved before they became a stream (schema 1) were plain settings under this key. */
const legacySettingKey = (type: IncidentType) => `run-card:${type}`;

export async function getRunCard(context: ServiceContext, type: IncidentType): Promise<RunCard> {
  const stream = await context.store.getStream("run_card", type);
  if (stream) return { incidentType: type, levels: stream.state.levels };
  return DEFAULT_RUN_CARDS[type];
}

export async function listRunCards(context: ServiceContext, actor: Actor): Promise<RunCard[]> {
  authorize(actor, "readRunCards", "read run cards");
  return Promise.all(INCIDENT_TYPES.map((type) => getRunCard(context, type)));
}

/** Replaces a run card: an event in the card's own stream, so every change keeps who made it and when. */
export async function putRunCard(
  context: ServiceContext,
  actor: Actor,
  type: IncidentType,
  body: RunCardBody,
): Promise<RunCard> {
  authorize(actor, "changeRunCards", "change run cards");
  const levels = [...body.levels].sort((a, b) => a.alarmLevel - b.alarmLevel);
  const operation = { opId: undefined, kind: "run_card.replace", actor, request: { type, levels } };
  return runCommand(context, operation, async (builder) => {
    const current = await context.store.getStream("run_card", type);
    builder.appendTo("run_card", type, current?.state, "run_card.replaced", { incidentType: type, levels },
      { actor, occurredAt: builder.recordedAt, source: "live" });
    return { incidentType: type, levels };
  });
}

/**
 * A run card an admin saved before run cards were a stream is recorded into its stream once, as found, by the
 * system at the time of the upgrade (the log cannot say who made it before then, and does not pretend to).
 */
export async function migrateLegacyRunCards(context: ServiceContext, systemActor: Actor): Promise<number> {
  let migrated = 0;
  for (const type of INCIDENT_TYPES) {
    const legacy = await context.store.getSetting<RunCard>(legacySettingKey(type));
    if (!legacy || (await context.store.getStream("run_card", type))) continue;
    const operation = { opId: undefined, kind: "run_card.migrate", actor: systemActor, request: { type } };
    await runCommand(context, operation, async (builder) => {
      builder.appendTo("run_card", type, undefined, "run_card.replaced", { incidentType: type, levels: legacy.levels },
        { actor: systemActor, occurredAt: builder.recordedAt, source: "import" });
    });
    migrated += 1;
  }
  return migrated;
}
