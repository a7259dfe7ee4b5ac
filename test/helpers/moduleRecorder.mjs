// Loaded with `node --import` into a server child process: records the URL of every module the process resolves
// through the ESM loader (packages imported from our code among them) and prints them on SIGUSR2, so a test can
// see which database drivers a running server actually loaded.
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";

const loaded = new Set();
const { port1, port2 } = new MessageChannel();
port1.on("message", (url) => loaded.add(url));
port1.unref();
register("./moduleRecorderHooks.mjs", import.meta.url, { data: { port: port2 }, transferList: [port2] });
process.on("SIGUSR2", () => process.stdout.write(`LOADED MODULES ${JSON.stringify([...loaded])}\n`));
