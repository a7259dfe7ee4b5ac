// Intake under load against a profiled server: BENCH_SERVER_ARGS="--cpu-prof --cpu-prof-dir=prof" npx tsx test/bench/profileIntake.ts
// then open the .cpuprofile in Chrome's DevTools (or summarise it with test/bench/topFunctions.ts).
import { account, ADMIN_PASSWORD, intake, randomCall, startOurs } from "./figures";
import { request } from "./processes";

const ours = await startOurs();
try {
  const adminToken = await ours.login("admin", ADMIN_PASSWORD);
  const token = await account(ours, adminToken, "dispatcher");
  for (let run = 0; run < 2; run++) {
    const result = await intake(() => request("POST", `${ours.url}/api/v1/calls`, randomCall(), token));
    console.log(`intake: ${result.perSecond.toFixed(0)} calls/s with 32 in flight, p99 ${result.p99.toFixed(1)} ms at 200 calls/s`);
  }
} finally {
  await ours.stop();
}
