import type { Notifier } from "../services/context";

/** What the HTTP layer and services need from the realtime layer. */
export interface Realtime extends Notifier {
  /** Disconnects the sockets of one session (logout). */
  endSession(tokenHash: string): void;
  /**
   * Disconnects every socket of a user (revocation: shift change, lost tablet), or all but those of the session
   * `exceptSession` (the session that changed the user's password).
   */
  endUserSessions(userId: string, exceptSession?: string): void;
}
