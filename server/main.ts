// Composition root: config -> store -> services -> http and realtime.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AppConfig } from "./config";
import { systemClock, type Clock } from "./core/time";
import { WriteQueue } from "./core/writeQueue";
import { buildApp } from "./http/app";
import { connectRedis, type RedisConnection } from "./http/loginLimits";
import { createLogger, type Logger } from "./logger";
import { newInstanceId } from "./realtime/alertLease";
import type { ClusterLink } from "./realtime/cluster";
import { attachRealtime, type RealtimeServer } from "./realtime/socketServer";
import type { Realtime } from "./realtime/types";
import { bootstrap } from "./services/bootstrap";
import { CheckpointService } from "./services/checkpoints";
import type { ServiceContext } from "./services/context";
import { startMaintenance } from "./services/maintenance";
import { createStore, describeStore } from "./store/index";
import type { Store } from "./store/types";

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  context: ServiceContext;
  checkpoints: CheckpointService;
  close(): Promise<void>;
}

export async function startServer(
  config: AppConfig,
  options: { clock?: Clock; logger?: Logger } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = await createStore(config);
  await store.init();
  logger.info(`store: ${describeStore(store)}`);

  let realtime: RealtimeServer | undefined;
  // Services and routes need the realtime layer, which needs the HTTP server: bind it late.
  const lateRealtime: Realtime = {
    committed: (change) => realtime?.committed(change),
    endSession: (tokenHash) => realtime?.endSession(tokenHash),
    endUserSessions: (userId, exceptSession) => realtime?.endUserSessions(userId, exceptSession),
  };
  const context: ServiceContext = {
    store,
    config,
    queue: new WriteQueue(store),
    clock: options.clock ?? systemClock,
    logger,
    notifier: lateRealtime,
  };
  try {
    await bootstrap(context);
  } catch (error) {
    await store.close();
    throw error;
  }
  // Several instances (REDIS_URL): one id for this process in the store's leases (alerts, checkpoints).
  const instanceId = config.redisUrl ? newInstanceId() : undefined;
  const checkpoints = await CheckpointService.start(context, instanceId ? { instanceId } : null);
  // The first checkpoint reads the whole log once; requests queue behind it rather than delay the start.
  checkpoints.checkpoint().catch((error: unknown) => logger.error("checkpoint failed", { error: String(error) }));

  let redis: RedisConnection | undefined;
  if (config.redisUrl) {
    redis = await connectRedis(config.redisUrl, logger);
    logger.info("login rate limits: shared in redis");
  }
  const httpServer = http.createServer();
  httpServer.on("request", buildApp(context, lateRealtime, checkpoints, redis ? { redis } : {}));
  // Several instances over one store: broadcasts go through Redis (loaded only then).
  let clusterLink: ClusterLink | undefined;
  if (config.redisUrl) {
    const { connectCluster } = await import("./realtime/cluster");
    clusterLink = await connectCluster(config.redisUrl, logger);
  }
  realtime = await attachRealtime(
    httpServer,
    context,
    clusterLink && instanceId ? { cluster: { link: clusterLink, instanceId } } : {},
  );
  const stopMaintenance = startMaintenance(context);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`;
  logger.info(`listening on ${url}`);

  return {
    url,
    port,
    store,
    context,
    checkpoints,
    close: async () => {
      await stopMaintenance();
      await realtime?.close();
      await clusterLink?.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // After the last request: the shutdown checkpoint covers everything this run committed.
      await checkpoints.stop().catch((error: unknown) => logger.error("shutdown checkpoint failed", { error: String(error) }));
      await redis?.close();
      await store.close();
    },
  };
}
