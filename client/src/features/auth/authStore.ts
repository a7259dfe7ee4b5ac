// Who is logged in. The token lives in localStorage so a reload (even offline, on a tablet) keeps the session.
import { createStore } from "zustand/vanilla";
import type { LoginResult, UserView } from "../../../../shared/api";
import { ROLES } from "../../../../shared/domain";
import { isRecord, readJson, STORAGE_KEYS, writeJson, type StorageLike } from "../../lib/storage";

export interface AuthSession {
  token: string;
  user: UserView;
  expiresAt: string;
}

/** Why the last session ended when the user did not log out: the login screen says so. */
export type SessionEnd = "revoked" | "expired";

export interface AuthState {
  session: AuthSession | null;
  ended: SessionEnd | null;
  login(result: LoginResult): void;
  logout(reason?: SessionEnd): void;
  updateUser(user: UserView): void;
}

function isSession(value: unknown): value is AuthSession {
  if (!isRecord(value) || typeof value.token !== "string" || typeof value.expiresAt !== "string") return false;
  const user = value.user;
  return (
    isRecord(user) &&
    typeof user.id === "string" &&
    typeof user.username === "string" &&
    (ROLES as readonly unknown[]).includes(user.role)
  );
}

export function createAuthStore(storage: StorageLike, now: () => number = Date.now) {
  const stored = readJson(storage, STORAGE_KEYS.auth, isSession);
  const initial = stored && Date.parse(stored.expiresAt) > now() ? stored : null;
  return createStore<AuthState>()((set, get) => ({
    session: initial,
    ended: null,
    login(result) {
      const session: AuthSession = { token: result.token, user: result.user, expiresAt: result.expiresAt };
      writeJson(storage, STORAGE_KEYS.auth, session);
      set({ session, ended: null });
    },
    logout(reason) {
      writeJson(storage, STORAGE_KEYS.auth, null);
      // Only a session that was actually open can have been ended; a second signal keeps the first reason.
      set({ session: null, ended: get().session ? (reason ?? null) : get().ended });
    },
    updateUser(user) {
      const current = get().session;
      if (!current) return;
      const session = { ...current, user };
      writeJson(storage, STORAGE_KEYS.auth, session);
      set({ session });
    },
  }));
}
