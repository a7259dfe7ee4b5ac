// The Merkle tree over stream heads that checkpoints sign and evidence bundles prove against.
import { describe, expect, it } from "vitest";
import {
  compareStreamHeads,
  EMPTY_HEADS_HASH,
  headsHash,
  headsHashFromProof,
  headsProof,
  type StreamHead,
} from "../../server/core/hashChain";

function heads(count: number): StreamHead[] {
  return Array.from({ length: count }, (_, index) => ({
    streamType: "incident",
    streamId: `2026-${String(index + 1).padStart(5, "0")}`,
    seq: index + 1,
    hash: `${index}`.padStart(64, "a"),
    position: index * 3 + 1,
  })).sort(compareStreamHeads);
}

describe("stream heads hash", () => {
  it("proves every head of trees of every shape, odd ones included", () => {
    for (let count = 1; count <= 17; count++) {
      const list = heads(count);
      const root = headsHash(list);
      list.forEach((head, index) => expect(headsHashFromProof(head, headsProof(list, index))).toBe(root));
    }
  });

  it("changes with any field of any head, and a proof does not carry over to a changed head", () => {
    const list = heads(6);
    const root = headsHash(list);
    const proof = headsProof(list, 3);
    for (const change of [{ seq: 99 }, { hash: "f".repeat(64) }, { position: 1000 }, { streamId: "2026-99999" }, { streamType: "case" }]) {
      const changed = list.map((head, index) => (index === 3 ? { ...head, ...change } : head));
      expect(headsHash(changed)).not.toBe(root);
      expect(headsHashFromProof({ ...list[3]!, ...change }, proof)).not.toBe(root);
    }
    expect(headsHash(list.slice(0, 5))).not.toBe(root);
  });

  it("has a fixed value for no streams, different from any tree's", () => {
    expect(headsHash([])).toBe(EMPTY_HEADS_HASH);
    expect(headsHash(heads(1))).not.toBe(EMPTY_HEADS_HASH);
  });
});
