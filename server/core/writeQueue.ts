/**
 * Runs commands one at a time. Each command reads state, decides and commits before the next starts, so two
 * dispatchers racing for one unit get one winner without database locks; broadcasts happen inside the queue,
 * so every client sees events in log order. The store is the authority all the same: unique keys and unit versions
 * refuse a write that lost a race with another process, and runCommand runs such a command again.
 *
 * Group commit: commands that are waiting together (32 calls in flight) run one after another inside one store
 * group, and the group's single durable write (one fsync) makes all of them durable. Nothing leaves the process
 * before that write: each command's answer and its broadcasts (`whenDurable`) wait for it. A command still sees
 * everything the commands before it wrote. A group runs start to end without giving the event loop a turn
 * (the SQLite store answers synchronously), so no reader outside the queue sees a write that is not durable yet;
 * if a command does give the loop a turn, the group is closed right after it. Tasks run with `run` (a sync's
 * last step, which sends what it read) never share a group, and waiting commands go before them.
 */

/** The part of the store that commits several commands with one durable write (see Store.beginGroup). */
export interface DurableGroup {
  beginGroup(): boolean;
  commitGroup(): Promise<void>;
  rollbackGroup(): Promise<void>;
}

interface Task {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Enough to make one fsync count for a burst, few enough that the first answer of the group is not held long. */
const MAX_GROUP = 64;

export class WriteQueue {
  /** Commands (groupable), in arrival order. */
  private readonly commands: Task[] = [];
  /** Tasks run alone (a sync's last step), in arrival order. */
  private readonly exclusive: Task[] = [];
  private draining = false;
  /** While a group runs: what to do once it is durable, in order, with the index of the command it belongs to. */
  private onDurable: { index: number; send: () => void }[] | null = null;
  private groupIndex = 0;

  constructor(private readonly group: DurableGroup | null = null) {}

  /** Runs alone, when no command is running or waiting (so after every command queued before it is durable). */
  run<T>(command: () => Promise<T>): Promise<T> {
    return this.enqueue(command, false);
  }

  /** A command whose writes may share one durable write with the commands queued next to it. */
  runGroupable<T>(command: () => Promise<T>): Promise<T> {
    return this.enqueue(command, true);
  }

  /** Runs `publish` once what the current command wrote is durable: at once outside a group, else after it. */
  whenDurable(publish: () => void): void {
    if (this.onDurable) this.onDurable.push({ index: this.groupIndex, send: publish });
    else publish();
  }

  private enqueue<T>(command: () => Promise<T>, groupable: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      (groupable ? this.commands : this.exclusive).push({ run: command, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // After the I/O phase, so the requests that arrived together are queued together.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // Writes first: a thousand consoles reconnecting queue a thousand sync steps, and a write must not wait
        // behind them. A sync step that runs later reads what was committed before it, so nothing is lost.
        const command = this.commands[0];
        if (command) {
          // Only when commands wait together: a lone command keeps its own short transaction, so the store's write
          // lock is not held while it reads and decides (another instance on the same SQLite file keeps writing).
          if (this.group && this.commands.length > 1 && this.group.beginGroup()) {
            await this.runGroup(this.group);
          } else {
            this.commands.shift();
            await command.run().then(command.resolve, command.reject);
          }
          continue;
        }
        const task = this.exclusive.shift();
        if (!task) return;
        await task.run().then(task.resolve, task.reject);
        // Let requests that arrived meanwhile queue their writes, which then go before the next sync step.
        if (this.exclusive.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = false;
    }
  }

  private async runGroup(group: DurableGroup): Promise<void> {
    const ran: { task: Task; outcome: Outcome }[] = [];
    const publish: { index: number; send: () => void }[] = [];
    this.onDurable = publish;
    let loopTurned = false;
    const turn = setImmediate(() => (loopTurned = true));
    try {
      for (let task = this.commands.shift(); task; task = ran.length < MAX_GROUP && !loopTurned ? this.commands.shift() : undefined) {
        this.groupIndex = ran.length;
        const outcome = await task.run().then(
          (value): Outcome => ({ ok: true, value }),
          (error: unknown): Outcome => ({ ok: false, error }),
        );
        ran.push({ task, outcome });
      }
    } finally {
      clearImmediate(turn);
      this.onDurable = null;
    }
    try {
      await group.commitGroup();
    } catch (error) {
      await group.rollbackGroup().catch(() => undefined);
      // Nothing of the group is on disk: every command in it failed, and nobody was told otherwise.
      for (const { task, outcome } of ran) task.reject(outcome.ok ? error : outcome.error);
      return;
    }
    for (const { index, send } of publish) {
      const entry = ran[index];
      try {
        send();
      } catch (error) {
        // As outside a group: a broadcast that failed fails its own command's answer (its write is durable).
        if (entry) entry.outcome = { ok: false, error };
      }
    }
    for (const { task, outcome } of ran) {
      if (outcome.ok) task.resolve(outcome.value);
      else task.reject(outcome.error);
    }
  }
}
