// The rules that matter most, written out so a change to them is a deliberate change to this file too.
import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../shared/domain";
import { audienceOf, can, caseAudienceOf, ROLE_ACTIONS, seesPersonalData, workspaceFor } from "../../shared/policy";

const actor = (role: Role, unitId?: string) => ({ role, userId: `u-${role}`, ...(unitId ? { unitId } : {}) });
const onE1 = { assignments: [{ unitId: "E1", active: true }] };
const wasOnE1 = { assignments: [{ unitId: "E1", active: false }] };

describe("policy", () => {
  it("never lets pr change an operational record or see callers' data", () => {
    // Public explanations are PR's own records, not operational ones; residents' cases are not pr's: see the next rule.
    // The own password is the own account, not a record.
    const prOwn = ["readUnits", "readReports", "readAllIncidents", "joinPrStream", "draftExplanations", "readExplanations", "changeOwnPassword"];
    const writes = ROLE_ACTIONS.filter((action) => !prOwn.includes(action));
    for (const action of writes) expect(can[action](actor("pr")), action).toBe(false);
    expect(seesPersonalData(audienceOf(actor("pr")))).toBe(false);
  });

  it("lets only caseworkers (and admins) read residents' cases: never the people a complaint may be about", () => {
    expect(ROLES.filter((role) => can.readCases(actor(role, "E1")))).toEqual(["admin", "caseworker"]);
    expect(ROLES.filter((role) => can.handleCases(actor(role, "E1")))).toEqual(["admin", "caseworker"]);
    expect(caseAudienceOf(actor("dispatcher"))).toEqual({ kind: "log_reader" });
    expect(caseAudienceOf(actor("caseworker"))).toEqual({ kind: "case_handler" });
    // Caseworkers read incidents to answer residents, without callers' personal data.
    expect(can.readAllIncidents(actor("caseworker"))).toBe(true);
    expect(seesPersonalData(audienceOf(actor("caseworker")))).toBe(false);
  });

  it("lets every person change their own password but not a machine, and only an admin set another account's", () => {
    expect(ROLES.filter((role) => !can.changeOwnPassword(actor(role, "E1")))).toEqual(["integration"]);
    for (const role of ROLES) {
      expect(can.resetPasswordOf(actor(role, "E1"), { id: "someone-else" }), role).toBe(role === "admin");
    }
    // Never the admin's own: that is a change with the current password.
    const admin = actor("admin");
    expect(can.resetPasswordOf(admin, { id: admin.userId })).toBe(false);
  });

  it("lets a supervisor approve an explanation only if they wrote none of it, and never pr", () => {
    const draft = { authors: ["author-1"] };
    expect(can.approveExplanation({ role: "supervisor", userId: "sup-1" }, draft)).toBe(true);
    expect(can.approveExplanation({ role: "supervisor", userId: "author-1" }, draft)).toBe(false);
    expect(can.approveExplanation({ role: "admin", userId: "author-1" }, draft)).toBe(false);
    expect(can.approveExplanation({ role: "pr", userId: "pr-2" }, draft)).toBe(false);
    expect(can.approveExplanation({ role: "dispatcher", userId: "d-1" }, draft)).toBe(false);
  });

  it("binds a crew to its unit: its own unit, incidents it was sent to, records only while working one", () => {
    const crew = actor("crew", "E1");
    expect(can.operateUnit(crew, "E1")).toBe(true);
    expect(can.operateUnit(crew, "E2")).toBe(false);
    expect(can.readIncident(crew, wasOnE1)).toBe(true);
    expect(can.readIncident(crew, { assignments: [] })).toBe(false);
    expect(can.recordOnIncident(crew, onE1)).toBe(true);
    expect(can.recordOnIncident(crew, wasOnE1)).toBe(false);
  });

  it("lets a supervisor end operational sessions but not an admin's; everyone may end their own", () => {
    expect(can.endSessionsOf(actor("supervisor"), { role: "dispatcher", id: "x" })).toBe(true);
    expect(can.endSessionsOf(actor("supervisor"), { role: "admin", id: "x" })).toBe(false);
    expect(can.endSessionsOf(actor("supervisor"), { role: "supervisor", id: "x" })).toBe(false);
    expect(can.endSessionsOf(actor("supervisor"), { role: "integration", id: "x" })).toBe(false);
    expect(can.endSessionsOf(actor("supervisor"), { role: "supervisor", id: "u-supervisor" })).toBe(true);
    expect(can.endSessionsOf(actor("admin"), { role: "admin", id: "x" })).toBe(true);
    expect(can.endSessionsOf(actor("dispatcher"), { role: "crew", id: "x" })).toBe(false);
    expect(can.endSessionsOf(actor("dispatcher"), { role: "dispatcher", id: "u-dispatcher" })).toBe(true);
  });

  it("gives every role a workspace and an audience; only the control room and crews see personal data", () => {
    expect(ROLES.map((role) => workspaceFor(actor(role, "E1")))).toEqual(["console", "tablet", "console", "pr", "console", "none", "cases"]);
    expect(ROLES.filter((role) => seesPersonalData(audienceOf(actor(role, "E1"))))).toEqual([
      "dispatcher", "crew", "supervisor", "admin", "integration",
    ]);
  });
});
