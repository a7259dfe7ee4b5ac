// Calls, incidents, units, run cards, reports and the event log: thin handlers over the services.
import { Router } from "express";
import {
  AddressQuery,
  AlarmLevelBody,
  CallIntakeBody,
  CloseBody,
  DispatchBody,
  DuplicateQuery,
  EventsQuery,
  Id,
  IncidentListQuery,
  IncidentType,
  LocateBody,
  MergeBody,
  NoteBody,
  PhaseBody,
  ResponseTimeQuery,
  RunCardBody,
  UnitStatusBody,
  UnitUpsertBody,
} from "../../../shared/schemas";
import { suggestAddresses } from "../../services/addresses";
import { authorize, type ServiceContext } from "../../services/context";
import { findDuplicates } from "../../services/duplicates";
import { recommendUnits, dispatchUnits } from "../../services/dispatch";
import {
  addNote,
  closeIncident,
  eventsAfter,
  getIncidentDetail,
  listIncidents,
  locateIncident,
  mergeIncidents,
  recordPhase,
  setAlarmLevel,
} from "../../services/incidents";
import { exportEido, importEido } from "../../services/eido";
import { intakeCall } from "../../services/intake";
import { responseTimeReport } from "../../services/reports";
import { listRunCards, putRunCard } from "../../services/runCards";
import { changeUnitStatus, listUnits, upsertUnit } from "../../services/units";
import { actorOf, param, parse, requireAuth } from "../helpers";

export function operationRoutes(context: ServiceContext): Router {
  const router = Router();
  router.use(requireAuth(context));
  const id = (value: string, what: string) => parse(Id, value, what);

  router.post("/calls", async (req, res) => {
    const { result, created } = await intakeCall(context, actorOf(res), parse(CallIntakeBody, req.body, "body"));
    res.status(created ? 201 : 200).json(result);
  });
  router.get("/calls/duplicates", async (req, res) => {
    authorize(actorOf(res), "lookUpDuplicates", "look up duplicate calls");
    const query = parse(DuplicateQuery, req.query, "query");
    const duplicates = await findDuplicates(context.store, context.config.duplicateWindows, {
      position: { lat: query.lat, lng: query.lng },
      incidentType: query.incidentType,
      at: query.at ? new Date(query.at) : context.clock(),
      ...(query.callerNumber !== undefined ? { callerNumber: query.callerNumber } : {}),
      ...(query.address !== undefined ? { address: query.address } : {}),
    });
    res.json({ duplicates });
  });
  // The body is an EIDO as the other center sends it: parsed by the service, which names what is missing.
  router.post("/transfers/eido", async (req, res) => {
    const { result, created } = await importEido(context, actorOf(res), req.body);
    res.status(created ? 201 : 200).json(result);
  });
  router.get("/addresses", async (req, res) => {
    res.json(await suggestAddresses(context, actorOf(res), parse(AddressQuery, req.query, "query")));
  });

  router.get("/incidents", async (req, res) => {
    res.json(await listIncidents(context, actorOf(res), parse(IncidentListQuery, req.query, "query")));
  });
  router.get("/incidents/:id", async (req, res) => {
    res.json(await getIncidentDetail(context, actorOf(res), id(param(req, "id"), "incident id")));
  });
  router.get("/incidents/:id/eido", async (req, res) => {
    res.json(await exportEido(context, actorOf(res), id(param(req, "id"), "incident id")));
  });
  router.post("/incidents/:id/location", async (req, res) => {
    const incidentId = id(param(req, "id"), "incident id");
    res.json(await locateIncident(context, actorOf(res), incidentId, parse(LocateBody, req.body, "body")));
  });
  router.get("/incidents/:id/recommendations", async (req, res) => {
    res.json(await recommendUnits(context, actorOf(res), id(param(req, "id"), "incident id")));
  });
  router.post("/incidents/:id/dispatch", async (req, res) => {
    const incidentId = id(param(req, "id"), "incident id");
    res.json(await dispatchUnits(context, actorOf(res), incidentId, parse(DispatchBody, req.body, "body")));
  });
  router.post("/incidents/:id/merge", async (req, res) => {
    const incidentId = id(param(req, "id"), "incident id");
    res.json(await mergeIncidents(context, actorOf(res), incidentId, parse(MergeBody, req.body, "body")));
  });
  router.post("/incidents/:id/close", async (req, res) => {
    const incidentId = id(param(req, "id"), "incident id");
    res.json(await closeIncident(context, actorOf(res), incidentId, parse(CloseBody, req.body, "body")));
  });
  router.post("/incidents/:id/phases", async (req, res) => {
    const incidentId = id(param(req, "id"), "incident id");
    res.json(await recordPhase(context, actorOf(res), incidentId, parse(PhaseBody, req.body, "body")));
  });
  router.post("/incidents/:id/alarm-level", async (req, res) => {
    const incidentId = id(param(req, "id"), "incident id");
    res.json(await setAlarmLevel(context, actorOf(res), incidentId, parse(AlarmLevelBody, req.body, "body")));
  });
  router.post("/incidents/:id/notes", async (req, res) => {
    const incidentId = id(param(req, "id"), "incident id");
    res.json(await addNote(context, actorOf(res), incidentId, parse(NoteBody, req.body, "body")));
  });

  router.get("/units", async (_req, res) => {
    res.json({ units: await listUnits(context, actorOf(res)) });
  });
  router.put("/units/:unitId", async (req, res) => {
    const unitId = id(param(req, "unitId"), "unit id");
    const { unit, created } = await upsertUnit(context, actorOf(res), unitId, parse(UnitUpsertBody, req.body, "body"));
    res.status(created ? 201 : 200).json(unit);
  });
  router.post("/units/:unitId/status", async (req, res) => {
    const unitId = id(param(req, "unitId"), "unit id");
    res.json(await changeUnitStatus(context, actorOf(res), unitId, parse(UnitStatusBody, req.body, "body")));
  });

  router.get("/run-cards", async (_req, res) => {
    res.json({ runCards: await listRunCards(context, actorOf(res)) });
  });
  router.put("/run-cards/:incidentType", async (req, res) => {
    const type = parse(IncidentType, param(req, "incidentType"), "incident type");
    res.json(await putRunCard(context, actorOf(res), type, parse(RunCardBody, req.body, "body")));
  });

  router.get("/reports/response-times", async (req, res) => {
    res.json(await responseTimeReport(context, actorOf(res), parse(ResponseTimeQuery, req.query, "query")));
  });
  router.get("/events", async (req, res) => {
    const query = parse(EventsQuery, req.query, "query");
    res.json(await eventsAfter(context, actorOf(res), query.after, query.limit));
  });
  return router;
}
