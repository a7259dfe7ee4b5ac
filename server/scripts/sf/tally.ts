// Counts things by reason and keeps a few examples of each, so the end-of-run report says what happened to the
// rows a reader might miss in the console, without printing thousands of lines.

export interface TallyEntry {
  reason: string;
  count: number;
  examples: string[];
}

export class Tally {
  private readonly entries = new Map<string, TallyEntry>();

  constructor(private readonly examplesPerReason = 3) {}

  add(reason: string, example: string): void {
    let entry = this.entries.get(reason);
    if (!entry) {
      entry = { reason, count: 0, examples: [] };
      this.entries.set(reason, entry);
    }
    entry.count++;
    if (entry.examples.length < this.examplesPerReason) entry.examples.push(example);
  }

  count(reason: string): number {
    return this.entries.get(reason)?.count ?? 0;
  }

  get total(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.count;
    return total;
  }

  /** Largest first, then by reason, so two runs print the same report. */
  list(): TallyEntry[] {
    return [...this.entries.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }

  /** Indented lines: "  reason: count" then "      e.g. example". */
  format(indent = "  "): string[] {
    const lines: string[] = [];
    for (const entry of this.list()) {
      lines.push(`${indent}${entry.reason}: ${entry.count}`);
      for (const example of entry.examples) lines.push(`${indent}    e.g. ${example}`);
    }
    return lines;
  }
}
