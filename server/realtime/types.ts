import type { Notifier } from "../services/context";

/** What the HTTP layer and services need from the realtime layer. */
export interface Realtime extends Notifier {
  /** Disconnects the sockets of one session (logout). */
  endSession(tokenHash: string): void;
  /** Disconnects every socket of a user (revocation: shift change, lost tablet). */
  endUserSessions(userId: string): void;
}
