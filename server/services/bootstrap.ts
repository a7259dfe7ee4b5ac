// First start on an empty database: a configured admin (a real deployment), or a demo roster so a newcomer
// can try every role.
import { randomBytes } from "node:crypto";
import type { Role, UnitType } from "../../shared/domain";
import type { Actor } from "../../shared/events";
import { createUser } from "./auth";
import type { ServiceContext } from "./context";
import { migrateLegacyRunCards } from "./runCards";
import { upsertUnit } from "./units";

const SYSTEM_ACTOR: Actor = { userId: "system", username: "system", role: "admin" };

/** San Francisco stations, so the demo roster matches the DataSF replay. */
const DEMO_STATIONS: { station: string; lat: number; lng: number; units: [string, UnitType][] }[] = [
  { station: "Station 1", lat: 37.7808, lng: -122.403, units: [["E1", "engine"], ["T1", "ladder"], ["M1", "medic"]] },
  { station: "Station 2", lat: 37.7974, lng: -122.4105, units: [["E2", "engine"], ["RS2", "rescue"]] },
  { station: "Station 3", lat: 37.7867, lng: -122.4207, units: [["E3", "engine"], ["T3", "ladder"], ["B2", "command"]] },
  { station: "Station 7", lat: 37.7604, lng: -122.4144, units: [["E7", "engine"], ["M7", "medic"], ["HM1", "hazmat"]] },
  { station: "Station 13", lat: 37.7953, lng: -122.4017, units: [["E13", "engine"], ["T13", "ladder"]] },
  { station: "Station 36", lat: 37.7746, lng: -122.4213, units: [["E36", "engine"], ["M36", "medic"], ["B3", "command"]] },
];

const DEMO_ACCOUNTS: { username: string; role: Role; unitId?: string }[] = [
  { username: "dispatcher", role: "dispatcher" },
  { username: "supervisor", role: "supervisor" },
  { username: "pr", role: "pr" },
  { username: "admin", role: "admin" },
  { username: "caseworker", role: "caseworker" },
  { username: "crew-e1", role: "crew", unitId: "E1" },
  { username: "crew-m1", role: "crew", unitId: "M1" },
];

export async function bootstrap(context: ServiceContext): Promise<void> {
  const { config, logger, store } = context;
  const migrated = await migrateLegacyRunCards(context, SYSTEM_ACTOR);
  if (migrated > 0) logger.info(`recorded ${migrated} run card(s) saved before run cards had a log into their streams`);
  if ((await store.countUsers()) > 0) return;
  if (config.adminUsername && config.adminPassword) {
    try {
      await createUser(context, null, { username: config.adminUsername, password: config.adminPassword, role: "admin" });
    } catch (error) {
      // Several instances starting together on an empty store: another one created it first.
      if (!(await store.getUserByUsername(config.adminUsername))) throw error;
      return;
    }
    logger.info(`created the first admin account "${config.adminUsername}" from ADMIN_USERNAME/ADMIN_PASSWORD`);
    return;
  }
  if (!config.seedDemo) {
    logger.warn("the database has no accounts: set ADMIN_USERNAME and ADMIN_PASSWORD to create the first admin");
    return;
  }
  for (const { station, lat, lng, units } of DEMO_STATIONS) {
    for (const [unitId, type] of units) {
      await upsertUnit(context, SYSTEM_ACTOR, unitId, { callSign: unitId, type, station, home: { lat, lng } });
    }
  }
  const lines: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const password = randomBytes(12).toString("base64url");
    await createUser(context, null, { ...account, password });
    lines.push(`  ${account.role.padEnd(11)} ${account.username.padEnd(11)} ${password}${account.unitId ? `   (unit ${account.unitId})` : ""}`);
  }
  // Printed once, on purpose on stdout whatever the log level: this is the only time they are shown.
  process.stdout.write(
    [
      "",
      "Demo data seeded: 6 stations, 16 units, and one account per role. Passwords (shown only now):",
      "  role        username    password",
      ...lines,
      "Set ADMIN_USERNAME and ADMIN_PASSWORD on an empty database for a real deployment instead.",
      "",
    ].join("\n") + "\n",
  );
}
