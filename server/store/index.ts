// Chooses the storage adapter: MongoDB when a URL is configured, else the embedded SQLite file in the data dir.
import path from "node:path";
import { MongoStore } from "./mongo";
import { SqliteStore } from "./sqlite";
import type { Store } from "./types";

export interface StoreConfig {
  mongoUrl?: string;
  dataDir: string;
  /** Overrides `<dataDir>/dispatch.sqlite`. */
  sqliteFile?: string;
}

export function createStore(config: StoreConfig): Store {
  if (config.mongoUrl) return new MongoStore(config.mongoUrl);
  return new SqliteStore(config.sqliteFile ?? path.join(config.dataDir, "dispatch.sqlite"));
}

/** For the startup log: which database and where, without credentials. */
export function describeStore(store: Store): string {
  return `${store.kind} at ${store.location}`;
}
