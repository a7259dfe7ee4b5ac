// Fan-out and a reconnect storm against a profiled server, without the floor:
//   BENCH_SERVER_ARGS="--cpu-prof --cpu-prof-dir=prof" npx tsx test/bench/profileRealtime.ts
// then summarise the .cpuprofile with test/bench/topFunctions.ts.
import { randomUUID } from "node:crypto";
import type { CallIntakeResult } from "../../shared/api";
import { account, ADMIN_PASSWORD, fanout, Fleet, lastPosition, randomCall, startOurs, storm, syncUntilLive, eventPositionsAfter } from "./figures";

const CONSOLES = Number(process.env.BENCH_CONSOLES ?? 1000);
const ours = await startOurs();
try {
  const adminToken = await ours.login("admin", ADMIN_PASSWORD);
  const token = await account(ours, adminToken, "dispatcher");
  const consoles = new Fleet(ours.url, { token });
  await consoles.connect(CONSOLES);
  await Promise.all(consoles.sockets.map((socket) => syncUntilLive(socket, undefined)));
  const target = await ours.api<CallIntakeResult>("POST", "/calls", randomCall(), token);
  const note = async (text: string) => void (await ours.api("POST", `/incidents/${target.incident.id}/notes`, { opId: `op-${randomUUID()}`, text }, token));
  for (let run = 0; run < 3; run++) {
    const [result] = await fanout([{ trigger: note, fleet: consoles }]);
    console.log(`fan-out to ${CONSOLES} consoles: p99 ${result!.p99.toFixed(1)} ms, answered in ${result!.answerMs.toFixed(1)} ms`);
  }
  let cursor = 0;
  for (let run = 0; run < 3; run++) {
    cursor = await lastPosition(ours, token, cursor);
    const from = cursor;
    const result = await storm(
      consoles,
      from,
      async () => {
        for (let i = 0; i < 40; i++) await note(`missed ${i}`);
      },
      async () => {
        const sent = performance.now();
        await note("during the storm");
        return performance.now() - sent;
      },
      () => eventPositionsAfter(ours, token, from),
    );
    console.log(`storm: ${result.allCaughtUpMs.toFixed(0)} ms, ${result.gaps} gaps, ${result.duplicates} dup, slowest write ${result.maxWriteMs.toFixed(0)} ms of ${result.writes}`);
  }
  consoles.close();
} finally {
  await ours.stop();
}
