// The app's singletons: the auth store and the API bound to its token.
import { createAuthStore } from "../features/auth/authStore";
import { browserStorage } from "../lib/storage";
import { createApi } from "./endpoints";
import { createHttpClient } from "./http";

export const authStore = createAuthStore(browserStorage());

export const api = createApi(
  createHttpClient({
    getToken: () => authStore.getState().session?.token ?? null,
    onUnauthenticated: (error) => authStore.getState().logout(error.code === "token_revoked" ? "revoked" : "expired"),
  }),
);
