import { describe, expect, it } from "vitest";
import { createAuthStore } from "../../client/src/features/auth/authStore";
import { createConnectionStore } from "../../client/src/features/connection/connectionStore";
import { createPrefsStore } from "../../client/src/features/prefs/prefsStore";
import { memoryStorage, STORAGE_KEYS } from "../../client/src/lib/storage";

const login = { token: "t1", user: { id: "u1", username: "crew-e1", role: "crew" as const, unitId: "E1" }, expiresAt: "2026-11-23T00:00:00.000Z" };

describe("session and preferences", () => {
  it("keeps the login across a reload until it expires", () => {
    const storage = memoryStorage();
    createAuthStore(storage).getState().login(login);
    expect(createAuthStore(storage, () => Date.parse("2026-11-22T12:00:00Z")).getState().session?.token).toBe("t1");
    expect(createAuthStore(storage, () => Date.parse("2026-11-23T00:00:01Z")).getState().session).toBeNull();
  });

  it("forgets the session on logout", () => {
    const storage = memoryStorage();
    const store = createAuthStore(storage);
    store.getState().login(login);
    store.getState().logout();
    expect(storage.data.has(STORAGE_KEYS.auth)).toBe(false);
  });

  it("remembers why a session was ended (revoked) until the next login, so the login screen can say it", () => {
    const store = createAuthStore(memoryStorage());
    store.getState().login(login);
    store.getState().logout("revoked");
    expect(store.getState().ended).toBe("revoked");
    // The socket's 401 after the revocation does not overwrite the reason.
    store.getState().logout("expired");
    expect(store.getState().ended).toBe("revoked");
    store.getState().login(login);
    expect(store.getState().ended).toBeNull();
    store.getState().logout();
    expect(store.getState().ended).toBeNull();
  });

  it("starts the console dark and the tablet light, and remembers a toggle and the mute", () => {
    const storage = memoryStorage();
    const prefs = createPrefsStore(storage);
    expect(prefs.getState().themes).toEqual({ console: "dark", tablet: "light" });
    prefs.getState().toggleTheme("console");
    prefs.getState().setMuted(true);
    const reloaded = createPrefsStore(storage);
    expect(reloaded.getState().themes.console).toBe("light");
    expect(reloaded.getState().muted).toBe(true);
  });

  it("tells live, reconnecting since when, and resynced after a reconnect apart", () => {
    const connection = createConnectionStore();
    connection.getState().connected(1000);
    connection.getState().resynced(0, 1001);
    expect(connection.getState().phase).toBe("live");
    connection.getState().disconnected(2000);
    connection.getState().disconnected(5000);
    expect(connection.getState()).toMatchObject({ phase: "reconnecting", since: 2000 });
    connection.getState().connected(9000);
    expect(connection.getState().phase).toBe("resyncing");
    connection.getState().resynced(4, 9100);
    expect(connection.getState()).toMatchObject({ phase: "resynced", replayed: 4 });
    connection.getState().settle(20000);
    expect(connection.getState().phase).toBe("live");
  });
});
