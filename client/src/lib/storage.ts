// Storage access that never throws (private mode, quota, corrupt JSON) and is testable with a Map.
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function readJson<T>(storage: StorageLike, key: string, guard: (value: unknown) => value is T): T | null {
  try {
    const raw = storage.getItem(key);
    if (raw === null) return null;
    const parsed: unknown = JSON.parse(raw);
    return guard(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function writeJson(storage: StorageLike, key: string, value: unknown): boolean {
  try {
    if (value === null || value === undefined) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function memoryStorage(initial: Record<string, string> = {}): StorageLike & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

/** The browser's localStorage, or an in-memory stand-in where it is unavailable. */
export function browserStorage(): StorageLike {
  try {
    if (typeof localStorage !== "undefined") return localStorage;
  } catch {
    // Access can throw when storage is disabled.
  }
  return memoryStorage();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const STORAGE_KEYS = {
  auth: "fd119.auth",
  theme: "fd119.theme",
  muted: "fd119.muted",
  language: "fd119.lang",
  config: "fd119.config",
  offlineQueue: "fd119.tablet.queue",
  tabletSnapshot: "fd119.tablet.snapshot",
  positionReports: "fd119.tablet.positions",
  /** The last name entered as "in command" on this tablet, offered again. */
  commanderName: "fd119.tablet.commanderName",
} as const;
