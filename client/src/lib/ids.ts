/** A fresh operation id for an idempotent write (the server de-duplicates by it). */
export function newOpId(): string {
  return crypto.randomUUID();
}
