// Several app instances over one store: socket.io's Redis Streams adapter carries every broadcast, room change
// (socketsJoin / socketsLeave) and disconnectSockets to the sockets of every instance. Loaded only with REDIS_URL,
// so one process without Redis never loads the Redis client.
import type { ServerOptions } from "socket.io";
import type { Logger } from "../logger";

export interface ClusterLink {
  adapter: NonNullable<ServerOptions["adapter"]>;
  /** Whether Redis is connected now: asking the other instances (fetchSockets) waits for it otherwise. */
  connected(): boolean;
  close(): Promise<void>;
}

/** Where Redis is, safe to log: the URL without its password. */
export function describeRedis(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    parsed.username = "";
    return parsed.toString();
  } catch {
    return "(unparsable REDIS_URL)";
  }
}

export async function connectCluster(redisUrl: string, logger: Logger): Promise<ClusterLink> {
  const [{ createClient }, { createAdapter }] = await Promise.all([import("redis"), import("@socket.io/redis-streams-adapter")]);
  const client = createClient({ url: redisUrl });
  // The client reconnects by itself; broadcasts made meanwhile reach this instance's sockets only.
  client.on("error", (error: unknown) => logger.warn("redis connection error", { error: String(error) }));
  await client.connect();
  logger.info(`cluster: socket.io over redis at ${describeRedis(redisUrl)}`);
  return {
    adapter: createAdapter(client) as NonNullable<ServerOptions["adapter"]>,
    connected: () => client.isReady,
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}
