// Alerts first: with many consoles listening, a crew is paged before the consoles are sent the dispatch, and the
// alert is the crew's first packet for it. Real server, real sockets; the order is what the clients receive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import { phoneCall } from "../helpers/factories";
import { emitWithAck, onIncidentEvents, startTestServer, waitForConnect, type ClientSocket, type TestServer } from "../helpers/server";
import { opId } from "../helpers/factories";

const CONSOLES = 300;

describe("alerts first", () => {
  let server: TestServer;
  let dispatcherToken: string;
  let consoles: ClientSocket[];
  let tablet: ClientSocket;

  beforeAll(async () => {
    server = await startTestServer({ env: { MAX_SOCKETS_PER_SESSION: String(CONSOLES + 10) } });
    await server.createUnit("E1");
    const dispatcher = await server.createAccount("dispatcher");
    dispatcherToken = dispatcher.token;
    const crew = await server.createAccount("crew", "E1");
    consoles = Array.from({ length: CONSOLES }, () => server.connect(dispatcher.token));
    await Promise.all(consoles.map(waitForConnect));
    await Promise.all(consoles.map((socket) => emitWithAck(socket, "sync", {})));
    tablet = server.connect(crew.token);
    await waitForConnect(tablet);
    await emitWithAck(tablet, "sync", {});
  }, 60_000);

  afterAll(async () => {
    await server.close();
  });

  it("pages the crew before any console receives the dispatch, and before the crew's own incident event", async () => {
    const call = await server.api<CallIntakeResult>("POST", "/calls", { token: dispatcherToken, body: phoneCall() });
    const incidentId = call.body.incident.id;
    // Let the intake's events reach every console before the dispatch.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const arrivals: string[] = [];
    let consolesReached = 0;
    const allReached = new Promise<void>((resolve) => {
      for (const socket of consoles) {
        onIncidentEvents(socket, (event) => {
          if (event.type !== "unit.dispatched" || event.streamId !== incidentId) return;
          arrivals.push("console");
          consolesReached += 1;
          if (consolesReached === CONSOLES) resolve();
        });
      }
    });
    const paged = new Promise<void>((resolve) => {
      tablet.on("dispatch.alert", (alert) => {
        if (alert.incidentId !== incidentId) return;
        arrivals.push("alert");
        resolve();
      });
      onIncidentEvents(tablet, (event) => {
        if (event.type === "unit.dispatched" && event.streamId === incidentId) arrivals.push("crew event");
      });
    });

    const dispatched = await server.api("POST", `/incidents/${incidentId}/dispatch`, {
      token: dispatcherToken,
      body: { unitIds: ["E1"], opId: opId() },
    });
    expect(dispatched.status).toBeLessThan(300);
    await Promise.all([paged, allReached]);

    expect(arrivals[0]).toBe("alert");
    expect(arrivals.indexOf("alert")).toBeLessThan(arrivals.indexOf("crew event"));
    expect(arrivals.filter((arrival) => arrival === "console")).toHaveLength(CONSOLES);
    expect(arrivals.filter((arrival) => arrival === "alert")).toHaveLength(1);
  }, 30_000);
});
