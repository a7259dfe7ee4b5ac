// What one session may hold open, and when its sockets must go. Expiry is enforced by a timer per socket, not only
// when the client sends: a console that only listens would otherwise keep receiving callers' data after its session
// ended.

/** setTimeout keeps at most 2^31-1 ms (about 24.8 days); a longer wait is re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** Counts the open sockets of each session, so one token cannot open hundreds. */
export class SessionSocketLimit {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerSession: number) {}

  /** The places the session holds on this instance (open sockets and handshakes under way). */
  count(tokenHash: string): number {
    return this.open.get(tokenHash) ?? 0;
  }

  /**
   * Takes a place for one more socket of the session, or returns null when it holds the maximum already. Call the
   * returned release when the socket (or its handshake) ends; calling it again does nothing.
   */
  reserve(tokenHash: string): (() => void) | null {
    const count = this.open.get(tokenHash) ?? 0;
    if (count >= this.maxPerSession) return null;
    this.open.set(tokenHash, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(tokenHash) ?? 1) - 1;
      if (left > 0) this.open.set(tokenHash, left);
      else this.open.delete(tokenHash);
    };
  }
}

/** Calls `onExpired` once the clock reaches `expiresAtMs`. Returns a function that cancels it. */
export function atExpiry(expiresAtMs: number, now: () => number, onExpired: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const wait = expiresAtMs - now();
    if (wait <= 0) {
      onExpired();
      return;
    }
    timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
