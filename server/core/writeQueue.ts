/**
 * Runs commands one at a time. Each command reads state, decides and commits before the next starts, so two
 * dispatchers racing for one unit get one winner without database locks; broadcasts happen inside the queue,
 * so every client sees events in log order. The store is the authority all the same: unique keys and unit versions
 * refuse a write that lost a race with another process, and runCommand runs such a command again.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(command: () => Promise<T>): Promise<T> {
    const result = this.tail.then(command, command);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
