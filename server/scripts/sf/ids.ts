// Deterministic ids: the same file replayed twice names the same calls and operations, so the server's
// idempotency (intakeId, opId) turns a re-run into a no-op instead of a second copy of history.
import { createHash } from "node:crypto";

/** Namespace of the SF importer's name-based UUIDs (generated once; never change it, or re-runs duplicate). */
export const SF_IMPORT_NAMESPACE = "e89ca8e5-604e-49c8-995b-b53db8146d55";

/** RFC 4122 name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const namespaceHex = namespace.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(namespaceHex)) throw new Error(`not a UUID: ${namespace}`);
  const digest = createHash("sha1").update(Buffer.from(namespaceHex, "hex")).update(name, "utf8").digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A scope separates replays that must not share ids: "" for a plain import (re-runs are no-ops), something
 * like "r1735689600000" for a live replay whose times differ on every run.
 */
export function callIntakeId(callNumber: string, scope: string): string {
  return uuidV5(`sf-fire-calls/${scope}/call/${callNumber}`, SF_IMPORT_NAMESPACE);
}

const OP_ID = /^[A-Za-z0-9_.:-]{8,100}$/;

/** `sf-<CallNumber>-<UnitID>-<step>` (or `sf-<scope>-...`); hashed when an odd unit id would make it too long. */
export function opIdFor(scope: string, ...parts: string[]): string {
  const readable = ["sf", ...(scope ? [scope] : []), ...parts].join("-");
  if (OP_ID.test(readable)) return readable;
  return `sf-${createHash("sha1").update(readable, "utf8").digest("hex")}`;
}
