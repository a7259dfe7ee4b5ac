// Checkpoint digests and evidence bundles: for supervisors and admins, who answer for the records in disputes.
import { Router } from "express";
import { CheckpointDigestQuery, Id } from "../../../shared/schemas";
import type { CheckpointService } from "../../services/checkpoints";
import { authorize, type ServiceContext } from "../../services/context";
import { buildEvidenceBundle } from "../../services/evidence";
import { actorOf, param, parse, requireAuth } from "../helpers";

export function evidenceRoutes(context: ServiceContext, checkpoints: CheckpointService): Router {
  const router = Router();
  router.use(["/checkpoints", "/incidents/:id/evidence"], requireAuth(context));

  router.get("/checkpoints/digest", async (req, res) => {
    authorize(actorOf(res), "exportEvidence", "read checkpoint digests");
    const query = parse(CheckpointDigestQuery, req.query, "query");
    const digest = checkpoints.digest(query.date ?? checkpoints.today());
    // A plain page prints as it is; browsers and curl that ask for text get it without the parameter.
    const wantsText = query.format === "text" || (query.format === undefined && req.accepts(["json", "text"]) === "text");
    if (wantsText) res.type("text/plain; charset=utf-8").send(`${digest.text}\n`);
    else res.json(digest);
  });

  router.get("/incidents/:id/evidence", async (req, res) => {
    const incidentId = parse(Id, param(req, "id"), "incident id");
    const bundle = await buildEvidenceBundle(context, checkpoints, actorOf(res), incidentId);
    res.setHeader("content-disposition", `attachment; filename="evidence-${incidentId.replace(/[^\w.-]/g, "_")}.json"`);
    res.type("application/json").send(`${JSON.stringify(bundle, null, 2)}\n`);
  });
  return router;
}
