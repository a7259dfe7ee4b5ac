// The app's stores, one of each. Both layouts use them; each layout's realtime module feeds them.
import { createAlertStore } from "../features/alerts/alertStore";
import { createConfigStore } from "../features/config/configStore";
import { createConnectionStore } from "../features/connection/connectionStore";
import { createIncidentStore } from "../features/incidents/incidentStore";
import { createPrefsStore } from "../features/prefs/prefsStore";
import { createUnitStore } from "../features/units/unitStore";
import { browserStorage } from "../lib/storage";

const storage = browserStorage();

export const configStore = createConfigStore(storage);
export const prefsStore = createPrefsStore(storage);
export const incidentStore = createIncidentStore();
export const unitStore = createUnitStore();
export const connectionStore = createConnectionStore();
export const alertStore = createAlertStore();
