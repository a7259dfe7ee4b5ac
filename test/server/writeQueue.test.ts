// The write queue's order: commands before waiting sync steps, commands that wait together in one store group
// whose broadcasts and answers come only after the group is durable, and a refused command alone in its group.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { WriteQueue } from "../../server/core/writeQueue";
import { SqliteStore } from "../../server/store/sqlite";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function freshStore(): Promise<SqliteStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-queue-"));
  dirs.push(dir);
  const store = new SqliteStore(path.join(dir, "queue.sqlite"));
  await store.init();
  return store;
}

describe("write queue", () => {
  it("runs waiting commands before waiting sync steps, and a command that arrives between sync steps next", async () => {
    const queue = new WriteQueue(null);
    const order: string[] = [];
    let late: Promise<void> = Promise.resolve();
    const done = [
      queue.run(async () => {
        order.push("sync 1");
        late = new Promise((resolve) => setImmediate(() => resolve(queue.runGroupable(async () => void order.push("late write")))));
      }),
      queue.run(async () => void order.push("sync 2")),
      queue.run(async () => void order.push("sync 3")),
      queue.runGroupable(async () => void order.push("write")),
    ];
    await Promise.all(done);
    await late;
    expect(order).toEqual(["write", "sync 1", "late write", "sync 2", "sync 3"]);
  });

  it("groups commands waiting together: broadcasts and answers after the group, a refused one alone", async () => {
    const store = await freshStore();
    const queue = new WriteQueue(store);
    const seen: string[] = [];
    const command = (name: string, fail = false) =>
      queue.runGroupable(async () => {
        await store.nextSequence("n");
        if (fail) throw new Error(`${name} refused`);
        queue.whenDurable(() => seen.push(`published ${name}`));
        seen.push(`ran ${name}`);
        return name;
      });
    const answers = [command("a"), command("b", true), command("c")].map((answer) =>
      answer.then((name) => void seen.push(`answered ${name}`), (error: Error) => void seen.push(error.message)),
    );
    await Promise.all(answers);
    expect(seen).toEqual(["ran a", "ran c", "published a", "published c", "answered a", "b refused", "answered c"]);
    expect(await store.nextSequence("n")).toBe(4);
    await store.close();
  });
});
