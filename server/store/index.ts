// Chooses the storage adapter: MongoDB when a URL is configured, else the embedded SQLite file in the data dir.
// Each adapter is imported only when chosen, so a process loads one database driver (mongoose alone is a large
// part of an idle server's memory).
import path from "node:path";
import type { Store } from "./types";

export interface StoreConfig {
  mongoUrl?: string;
  dataDir: string;
  /** Overrides `<dataDir>/dispatch.sqlite`. */
  sqliteFile?: string;
}

export async function createStore(config: StoreConfig): Promise<Store> {
  if (config.mongoUrl) {
    const { MongoStore } = await import("./mongo");
    return new MongoStore(config.mongoUrl);
  }
  const { SqliteStore } = await import("./sqlite");
  return new SqliteStore(config.sqliteFile ?? path.join(config.dataDir, "dispatch.sqlite"));
}

/** For the startup log: which database and where, without credentials. */
export function describeStore(store: Store): string {
  return `${store.kind} at ${store.location}`;
}
