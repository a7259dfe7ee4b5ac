// The fireground record over REST: command, decisions, water use, and one incident's own log.
import { Router } from "express";
import { CommandBody, DecisionBody, Id, IncidentEventsQuery, WaterUseBody } from "../../../shared/schemas";
import type { ServiceContext } from "../../services/context";
import { listIncidentEvents, recordCommand, recordDecision, recordWaterUse } from "../../services/decisions";
import { actorOf, param, parse, requireAuth } from "../helpers";

export function firegroundRoutes(context: ServiceContext): Router {
  const router = Router();
  // Auth per route, not router.use: the other routers' requests pass through here untouched.
  const auth = requireAuth(context);
  const incidentId = (value: string) => parse(Id, value, "incident id");

  router.get("/incidents/:id/events", auth, async (req, res) => {
    const query = parse(IncidentEventsQuery, req.query, "query");
    res.json(await listIncidentEvents(context, actorOf(res), incidentId(param(req, "id")), query.afterSeq));
  });
  router.post("/incidents/:id/command", auth, async (req, res) => {
    res.json(await recordCommand(context, actorOf(res), incidentId(param(req, "id")), parse(CommandBody, req.body, "body")));
  });
  router.post("/incidents/:id/decisions", auth, async (req, res) => {
    res.json(await recordDecision(context, actorOf(res), incidentId(param(req, "id")), parse(DecisionBody, req.body, "body")));
  });
  router.post("/incidents/:id/water-use", auth, async (req, res) => {
    res.json(await recordWaterUse(context, actorOf(res), incidentId(param(req, "id")), parse(WaterUseBody, req.body, "body")));
  });
  return router;
}
