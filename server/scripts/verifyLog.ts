// `npm run verify-log`: re-computes every incident's hash chain from the store and reports any break.
// Exit code 0 when every chain verifies, 1 when something was changed, removed or reordered.
import { loadConfig } from "../config";
import { verifyIncidentChain, type ChainBreak } from "../core/hashChain";
import { createStore, describeStore } from "../store/index";
import type { IncidentEvent } from "../../shared/events";

const PAGE = 5000;

export async function verifyStoreLog(store: ReturnType<typeof createStore>) {
  const byIncident = new Map<string, IncidentEvent[]>();
  let position = 0;
  let total = 0;
  const breaks: ChainBreak[] = [];
  for (;;) {
    const page = await store.getEventsAfter(position, PAGE);
    for (const event of page) {
      if (event.position <= position) {
        breaks.push({ incidentId: event.incidentId, seq: event.seq, problem: "global positions are not increasing" });
      }
      position = event.position;
      const list = byIncident.get(event.incidentId) ?? [];
      list.push(event);
      byIncident.set(event.incidentId, list);
    }
    total += page.length;
    if (page.length < PAGE) break;
  }
  for (const events of byIncident.values()) {
    breaks.push(...verifyIncidentChain(events.sort((a, b) => a.seq - b.seq)));
  }
  return { incidents: byIncident.size, events: total, breaks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const store = createStore(loadConfig());
  await store.init();
  console.log(`verifying the incident log in ${describeStore(store)}`);
  const { incidents, events, breaks } = await verifyStoreLog(store);
  await store.close();
  if (breaks.length === 0) {
    console.log(`OK: ${events} events in ${incidents} incidents; every hash chain verifies.`);
  } else {
    console.log(`BROKEN: ${breaks.length} problem(s) in ${events} events / ${incidents} incidents:`);
    for (const entry of breaks.slice(0, 200)) console.log(`  incident ${entry.incidentId} seq ${entry.seq}: ${entry.problem}`);
    process.exitCode = 1;
  }
}
