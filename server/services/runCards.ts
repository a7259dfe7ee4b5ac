import { INCIDENT_TYPES, type IncidentType, type UnitType } from "../../shared/domain";
import type { Actor } from "../../shared/events";
import type { RunCard, RunCardBody } from "../../shared/schemas";
import { authorize, type ServiceContext } from "./context";

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

const settingKey = (type: IncidentType) => `run-card:${type}`;

export async function getRunCard(context: ServiceContext, type: IncidentType): Promise<RunCard> {
  return (await context.store.getSetting<RunCard>(settingKey(type))) ?? DEFAULT_RUN_CARDS[type];
}

export async function listRunCards(context: ServiceContext, actor: Actor): Promise<RunCard[]> {
  authorize(actor, ["dispatcher", "supervisor", "admin", "integration"], "read run cards");
  return Promise.all(INCIDENT_TYPES.map((type) => getRunCard(context, type)));
}

export async function putRunCard(
  context: ServiceContext,
  actor: Actor,
  type: IncidentType,
  body: RunCardBody,
): Promise<RunCard> {
  authorize(actor, ["admin"], "change run cards");
  const runCard: RunCard = { incidentType: type, levels: [...body.levels].sort((a, b) => a.alarmLevel - b.alarmLevel) };
  await context.store.putSetting(settingKey(type), runCard);
  return runCard;
}
