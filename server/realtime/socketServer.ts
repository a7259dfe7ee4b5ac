// socket.io transport: authenticates the handshake, puts sockets in rooms, turns committed changes into
// broadcasts, and answers client events through the same services as REST.
import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { releasesUnit } from "../../shared/domain";
import type { AckResult } from "../../shared/errors";
import { isIncidentEvent, type Actor, type IncidentEvent } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import { audienceOf, can, seesPersonalData } from "../../shared/policy";
import {
  CommandPayload,
  DecisionPayload,
  DispatchAckPayload,
  LIMITS,
  NotePayload,
  PhasePayload,
  SyncPayload,
  UnitPositionPayload,
  UnitStatusPayload,
  WaterUsePayload,
} from "../../shared/schemas";
import { ROOMS, type ClientToServerEvents, type ServerToClientEvents, type SyncResult, type UnitPresence } from "../../shared/socket";
import type { z } from "zod";
import { AppError, errors, fromZodError, toErrorBody } from "../core/errors";
import { authenticate, type AuthenticatedSession } from "../services/auth";
import type { CommittedChange, ServiceContext } from "../services/context";
import { personalDataOf, presentEvent, presentUnit, type IncidentAudience, type PersonalData } from "../services/presenters";
import { recordCommand, recordDecision, recordWaterUse } from "../services/decisions";
import { addNote, recordPhase } from "../services/incidents";
import { PositionReports } from "../services/positions";
import { changeUnitStatus } from "../services/units";
import { startAlertTicks } from "./alertLease";
import { AlertMonitor, buildAlert } from "./alerts";
import { PresenceTracker } from "./presence";
import type { ClusterLink } from "./cluster";
import { askInstances, ClusterPresence, PRESENCE_FETCH_TIMEOUT_MS, PRESENCE_SWEEP_MS, TABLETS_ROOM } from "./clusterPresence";
import { CLUSTER_COVER_MS, LiveGates } from "./liveGate";
import { OrderedDelivery, type CommittedRange } from "./orderedDelivery";
import { replayToLiveStream } from "./replay";
import { atExpiry, SessionSocketLimit } from "./sessionSockets";
import type { Realtime } from "./types";
import { runWithLogContext } from "../logger";

/** Plain data only: with several instances fetchSockets sends it through Redis (a function would not encode). */
interface SocketData {
  session: AuthenticatedSession;
  /** A sync is replaying: a second one is refused until it answers. */
  syncing: boolean;
  /** When a crew socket connected (tablet presence across instances). */
  connectedAt?: string;
}
/** Between server instances (REDIS_URL). */
interface InterServerEvents {
  /** Each commit's incident events, delivered by every instance to its sockets. */
  "incident.events": (change: CommittedRange) => void;
  /** Tablet presence changes another instance announced to the consoles. */
  "unit.presence": (changes: UnitPresence[]) => void;
}
type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const NO_PERSONAL_DATA: PersonalData = personalDataOf({ calls: [] });
const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (tokenHash: string) => `session:${tokenHash}`;

/** The live room a socket joins after its first sync, and the audience its replay is presented for. */
function liveStreamOf(actor: Actor): { room: string; audience: IncidentAudience } | null {
  if (can.joinConsoleStream(actor)) return { room: ROOMS.consoles, audience: { kind: "console" } };
  if (can.joinPrStream(actor)) return { room: ROOMS.pr, audience: { kind: "pr" } };
  return null;
}

export interface RealtimeServer extends Realtime {
  io: AppServer;
  close(): Promise<void>;
}

/** Units a commit leaves waiting for an acknowledgement anew: dispatched, handed over by a merge, or set back. */
function unitsAlertedBy(events: readonly IncidentEvent[]): Map<string, IncidentEvent> {
  const alerted = new Map<string, IncidentEvent>();
  for (const event of events) {
    if (event.type === "unit.dispatched") alerted.set(event.payload.unitId, event);
    if (event.type === "unit.status" && event.payload.status === "dispatched") alerted.set(event.payload.unitId, event);
    if (event.type === "incident.absorbed") for (const unit of event.payload.units) alerted.set(unit.unitId, event);
  }
  return alerted;
}

export interface RealtimeOptions {
  /** Several instances over one store (REDIS_URL): the socket.io adapter and this instance's lease holder id. */
  cluster?: { link: ClusterLink; instanceId: string };
}

export async function attachRealtime(
  httpServer: HttpServer,
  context: ServiceContext,
  options: RealtimeOptions = {},
): Promise<RealtimeServer> {
  const { cluster } = options;
  const io: AppServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: LIMITS.bodyBytes,
    // Pings every 10 s, 10 s to answer: a tablet that vanished (no close) is noticed in about 20 s, not 45 s.
    pingInterval: 10_000,
    pingTimeout: 10_000,
    ...(cluster ? { adapter: cluster.link.adapter } : {}),
  });
  const alerts = new AlertMonitor(
    {
      sendAlert: (alert) => io.to(ROOMS.unit(alert.unitId)).emit("dispatch.alert", alert),
      sendOverdue: (overdue) => io.to(ROOMS.consoles).emit("dispatch.overdue", overdue),
    },
    context.config.realertSeconds * 1000,
    context.config.overdueSeconds * 1000,
  );
  // Units still waiting for an acknowledgement when the server stopped are alerted again. With several
  // instances the lease holder rebuilds them from the store instead (alertLease.ts).
  if (!cluster) {
    for (const unit of await context.store.listUnits()) {
      if (unit.status !== "dispatched" || !unit.incidentId) continue;
      const incident = await context.store.getIncident(unit.incidentId);
      if (incident) alerts.resume(buildAlert(incident.state, unit), Date.parse(unit.statusSince));
    }
  }
  const presence = new PresenceTracker();
  // Several instances: what is online is asked of all of them, and changes are recorded by all (clusterPresence.ts).
  const clusterPresence = cluster
    ? new ClusterPresence({
        fetchTablets: async () =>
          (await askInstances(cluster.link.connected(), () => io.in(TABLETS_ROOM).timeout(PRESENCE_FETCH_TIMEOUT_MS).fetchSockets())).flatMap((remote) => {
            const unitId = remote.data.session?.actor.unitId;
            return unitId && remote.data.connectedAt ? [{ unitId, connectedAt: remote.data.connectedAt }] : [];
          }),
        countUnitSockets: async (unitId) =>
          (await askInstances(cluster.link.connected(), () => io.in(ROOMS.unit(unitId)).timeout(PRESENCE_FETCH_TIMEOUT_MS).fetchSockets())).length,
        broadcast: (changes) => {
          io.to(ROOMS.consoles).emit("unit.presence", changes);
          io.serverSideEmit("unit.presence", changes);
        },
      })
    : null;
  if (clusterPresence) io.on("unit.presence", (changes) => clusterPresence.record(changes));
  /** This instance's tablets' changes: straight to the consoles, or through the cluster's record. */
  const announcePresence = (change: UnitPresence) =>
    clusterPresence ? clusterPresence.announce([change]) : io.to(ROOMS.consoles).emit("unit.presence", [change]);
  /** The places taken under MAX_SOCKETS_PER_SESSION, by socket id, given back when the socket ends. */
  const releaseSlots = new Map<string, () => void>();
  const ticks = startAlertTicks(
    context,
    alerts,
    cluster ? { instanceId: cluster.instanceId, leaseMs: context.config.alertLeaseSeconds * 1000 } : null,
  );
  const socketLimit = new SessionSocketLimit(context.config.maxSocketsPerSession);
  const gates = new LiveGates(cluster ? CLUSTER_COVER_MS : 0);
  const positions = new PositionReports(context, (update) => io.to(ROOMS.consoles).volatile.emit("unit.position", update));

  /**
   * The session's sockets connected to other instances, asked of them all (fetchSockets on the session's room).
   * An instance that does not answer in time is not counted: a handshake is not held up by a sick instance.
   */
  async function sessionSocketsElsewhere(tokenHash: string): Promise<number> {
    try {
      const sockets = await askInstances(cluster?.link.connected() ?? false, () =>
        io.in(sessionRoom(tokenHash)).timeout(PRESENCE_FETCH_TIMEOUT_MS).fetchSockets(),
      );
      const local = io.of("/").sockets;
      return sockets.filter((remote) => !local.has(remote.id)).length;
    } catch (error) {
      context.logger.warn("socket cap: an instance did not answer; counting this instance's sockets only", { error: String(error) });
      return 0;
    }
  }

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    authenticate(context, typeof token === "string" ? token : undefined)
      .then(async (session) => {
        // Not kept on the socket: with several instances fetchSockets sends each socket's handshake through Redis.
        delete (socket.handshake.auth as Record<string, unknown>).token;
        const refuseTooMany = () => {
          context.logger.warn("socket handshake refused", {
            socketId: socket.id,
            code: "too_many_connections",
            address: socket.handshake.address,
            userId: session.actor.userId,
          });
          next(new Error("too_many_connections"));
        };
        const release = socketLimit.reserve(session.tokenHash);
        if (!release) return refuseTooMany();
        // Several instances: the session's sockets on the others count too.
        if (cluster && socketLimit.count(session.tokenHash) + (await sessionSocketsElsewhere(session.tokenHash)) > context.config.maxSocketsPerSession) {
          release();
          return refuseTooMany();
        }
        // The transport closing covers a handshake abandoned before "connection" (no "disconnect" follows then).
        if (socket.conn.readyState !== "open") {
          release();
          next(new Error("unauthenticated"));
          return;
        }
        const releaseSlot = () => {
          releaseSlots.delete(socket.id);
          release();
        };
        socket.conn.once("close", releaseSlot);
        releaseSlots.set(socket.id, releaseSlot);
        socket.data.session = session;
        socket.data.syncing = false;
        next();
      })
      .catch((error: unknown) => {
        const { code } = toErrorBody(error).body;
        // Never the token: only what an operator needs to see who is knocking and why they were refused.
        context.logger.warn("socket handshake refused", {
          socketId: socket.id,
          code,
          address: socket.handshake.address,
          tokenGiven: typeof token === "string" && token.length > 0,
        });
        next(new Error(code));
      });
  });

  io.on("connection", (socket: AppSocket) => {
    const { actor, tokenHash, expiresAt } = socket.data.session;
    const socketFields = { socketId: socket.id, userId: actor.userId };
    context.logger.info("socket connected", { ...socketFields, role: actor.role, address: socket.handshake.address });
    socket.on("disconnect", (reason) => context.logger.info("socket disconnected", { ...socketFields, reason }));
    void socket.join([userRoom(actor.userId), sessionRoom(tokenHash)]);
    // Listening alone must not outlive the session: cut the socket off at expiry.
    const cancelExpiry = atExpiry(Date.parse(expiresAt), () => context.clock().getTime(), () => {
      socket.emit("session.expired");
      socket.disconnect(true);
    });
    socket.once("disconnect", () => {
      gates.close(socket.id);
      cancelExpiry();
      releaseSlots.get(socket.id)?.();
    });
    if (audienceOf(actor).kind === "crew" && actor.unitId) {
      const unitId = actor.unitId;
      socket.data.connectedAt = context.clock().toISOString();
      void socket.join([ROOMS.unit(unitId), TABLETS_ROOM]);
      // Consoles show a tablet that has lost contact; presence is ephemeral, like positions.
      const online = presence.connected(unitId, context.clock());
      if (online) announcePresence(online);
      socket.on("disconnect", () => {
        const offline = presence.disconnected(unitId, context.clock());
        if (!offline) return;
        if (!clusterPresence) return announcePresence(offline);
        // The unit may still have a tablet on another instance (or one reconnected here meanwhile).
        void clusterPresence.connectedAnywhere(unitId).then((elsewhere) => {
          if (!elsewhere && !presence.isOnline(unitId)) announcePresence(offline);
        });
      });
    }

    handle(socket, "sync", SyncPayload, async (payload) => {
      if (socket.data.syncing) {
        throw new AppError("sync_in_progress", "A sync is still replaying on this connection; wait for its answer.");
      }
      socket.data.syncing = true;
      try {
        return await sync(socket, payload);
      } finally {
        socket.data.syncing = false;
      }
    });
    handle(socket, "dispatch.ack", DispatchAckPayload, (payload) =>
      changeUnitStatus(
        context,
        actor,
        payload.unitId,
        {
          status: "acknowledged",
          opId: payload.opId,
          source: "live",
          ...(payload.occurredAt ? { occurredAt: payload.occurredAt } : {}),
        },
        payload.incidentId,
      ),
    );
    handle(socket, "unit.status", UnitStatusPayload, ({ unitId, ...body }) => changeUnitStatus(context, actor, unitId, body));
    handle(socket, "unit.position", UnitPositionPayload, async (payload) => {
      await positions.report(actor, payload);
      return { received: true as const };
    });
    // Fireground writes from the tablet: the same services as the REST routes.
    handle(socket, "incident.phase", PhasePayload, ({ incidentId, ...body }) => recordPhase(context, actor, incidentId, body));
    handle(socket, "incident.note", NotePayload, ({ incidentId, ...body }) => addNote(context, actor, incidentId, body));
    handle(socket, "incident.command", CommandPayload, ({ incidentId, ...body }) => recordCommand(context, actor, incidentId, body));
    handle(socket, "incident.decision", DecisionPayload, ({ incidentId, ...body }) => recordDecision(context, actor, incidentId, body));
    handle(socket, "incident.water_use", WaterUsePayload, ({ incidentId, ...body }) => recordWaterUse(context, actor, incidentId, body));
  });

  /** Every client event: parse with the shared schema, run, answer with the one ack envelope. */
  function handle<S extends z.ZodType, R>(
    socket: AppSocket,
    event: keyof ClientToServerEvents,
    schema: S,
    run: (payload: z.infer<S>) => Promise<R>,
  ): void {
    const listener = (payload: unknown, ack: unknown) => {
      const reply = typeof ack === "function" ? (ack as (result: AckResult<R>) => void) : () => undefined;
      if (Date.parse(socket.data.session.expiresAt) <= Date.now()) {
        reply({ ok: false, error: toErrorBody(errors.unauthenticated("This session has expired; log in again.")).body });
        socket.disconnect(true);
        return;
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        reply({ ok: false, error: toErrorBody(fromZodError(parsed.error, `${event} payload`)).body });
        return;
      }
      const socketFields = { socketId: socket.id, userId: socket.data.session.actor.userId };
      // Every line logged while this event is handled, by any service, carries the socket id.
      runWithLogContext(socketFields, () => run(parsed.data)).then(
        (data) => reply({ ok: true, data }),
        (error: unknown) => {
          const mapped = toErrorBody(context.store.isUnavailableError(error) ? errors.storeUnavailable() : error);
          const details = { ...socketFields, event, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
          if (mapped.unexpected) context.logger.error("socket handler failed", details);
          else if (mapped.body.code === "store_unavailable") context.logger.warn("store unavailable", details);
          reply({ ok: false, error: mapped.body });
        },
      );
    };
    socket.on(event, listener as never);
  }

  /**
   * Replays what the client missed, then puts it in the live rooms, with no gap and no duplicate. Consoles and pr
   * replay outside the write queue (see replay.ts). A tablet's replay is a few incidents' events and runs in the
   * queue: its unit may be dispatched meanwhile, which joins it to a room.
   */
  function sync(socket: AppSocket, payload: z.infer<typeof SyncPayload>): Promise<SyncResult> {
    const { actor } = socket.data.session;
    let replayed = 0;
    const personalByIncident = new Map<string, PersonalData>();
    const personalOf = async (incidentId: string): Promise<PersonalData> => {
      let personal = personalByIncident.get(incidentId);
      if (!personal) {
        const record = await context.store.getIncident(incidentId);
        personal = personalDataOf(record?.state ?? { calls: [] });
        personalByIncident.set(incidentId, personal);
      }
      return personal;
    };
    const present = async (event: IncidentEvent, audience: IncidentAudience) =>
      // A console sees personal data: no need to read the incident (a reconnect storm does this per socket).
      presentEvent(event, audience, seesPersonalData(audience) ? NO_PERSONAL_DATA : await personalOf(event.streamId));
    const send = async (event: IncidentEvent, audience: IncidentAudience) => {
      socket.emit("incident.event", await present(event, audience));
      replayed += 1;
    };
    const stream = liveStreamOf(actor);
    if (stream) {
      return replayToLiveStream(context, {
        from: payload.position,
        maxEvents: context.config.syncMaxEvents,
        sendBatch: async (events) => {
          // Writes land between batches (a new caller's name to scrub): read what the incidents know afresh.
          personalByIncident.clear();
          const presented: IncidentEvent[] = [];
          for (const event of events) if (isIncidentEvent(event)) presented.push(await present(event, stream.audience));
          // One message per read of the log (see "incident.events" in shared/socket.ts).
          if (presented.length > 0) socket.emit("incident.events", presented);
          replayed += presented.length;
        },
        leaveLive: () => {
          gates.close(socket.id);
          return socket.leave(stream.room);
        },
        joinLive: () => {
          gates.hold(socket.id);
          return socket.join(stream.room);
        },
        releaseLive: (position) => {
          // Live events held during the last read that it did not cover; later ones it covered are dropped.
          for (const event of gates.release(socket.id, (live) => live.position <= position)) {
            socket.emit("incident.event", event);
            replayed += 1;
          }
        },
        connected: () => socket.connected,
      }).then(async ({ position, more }) => {
        // A console also learns which crew tablets are connected (lost contact is shown from it), on every instance.
        if (stream.room === ROOMS.consoles) {
          socket.emit("unit.presence", clusterPresence ? await clusterPresence.snapshot(context.clock()) : presence.snapshot());
        }
        return { replayed, position, more };
      });
    }
    return context.queue.run(async () => {
      const position = await context.store.getLastPosition();
      if (audienceOf(actor).kind === "crew" && actor.unitId) {
        // Live events for this tablet (another instance's among them) wait until its replay has been sent.
        gates.hold(socket.id);
        const sent = new Set<string>();
        const sendReplayed = async (event: IncidentEvent) => {
          sent.add(`${event.streamId}#${event.seq}`);
          await send(event, { kind: "crew" });
        };
        try {
          const unit = await context.store.getUnit(actor.unitId);
          const wanted = new Map(Object.entries(payload.incidents ?? {}));
          if (unit?.incidentId && !wanted.has(unit.incidentId)) wanted.set(unit.incidentId, 0);
          for (const [incidentId, afterSeq] of wanted) {
            const record = await context.store.getIncident(incidentId);
            const wasOnIt = record?.state.assignments.some((assignment) => assignment.unitId === actor.unitId);
            if (!record || !wasOnIt) continue;
            for (const event of await context.store.getStreamEvents("incident", incidentId, afterSeq)) {
              await sendReplayed(event);
            }
          }
          if (unit?.incidentId) await socket.join(ROOMS.incident(unit.incidentId));
          for (const event of gates.release(socket.id, (live) => sent.has(`${live.streamId}#${live.seq}`))) {
            socket.emit("incident.event", event);
            replayed += 1;
          }
          // From the store: the dispatch may have gone through another instance.
          const incident = unit?.incidentId ? await context.store.getIncident(unit.incidentId) : null;
          if (unit?.status === "dispatched" && incident) {
            const known = alerts.current(unit.id);
            socket.emit("dispatch.alert", known?.incidentId === incident.id ? known : buildAlert(incident.state, unit));
          }
        } catch (error) {
          gates.close(socket.id); // the client syncs again; nothing stays held
          throw error;
        }
      }
      return { replayed, position };
    });
  }

  /**
   * Sends one presented event to a room's sockets on this instance, except those a sync gate holds or covered.
   * Presents only when the room has a socket here: a center with no pr account online pays nothing for the pr
   * room (live delivery is local on every instance, so the local room is the whole audience).
   */
  function emitLive(room: string, event: IncidentEvent, present: () => IncidentEvent): void {
    if (!io.of("/").adapter.rooms.get(room)?.size) return;
    const presented = present();
    const skipped = gates.skip(event, presented, (socketId) => io.of("/").sockets.get(socketId)?.rooms.has(room) ?? false);
    (skipped.length > 0 ? io.local.to(room).except(skipped) : io.local.to(room)).emit("incident.event", presented);
  }

  /**
   * Incident events to this instance's sockets, rooms joined and left on the way. Every instance runs it for every
   * commit (the committing one directly, the others on "incident.events"), so each can keep a syncing socket's
   * replay and live stream apart (liveGate.ts). Other streams reach their readers through their own routes.
   */
  function deliverLive(events: readonly IncidentEvent[], states: ReadonlyMap<string, IncidentState>): void {
    for (const event of events) {
      if (event.type === "unit.dispatched") {
        io.local.in(ROOMS.unit(event.payload.unitId)).socketsJoin(ROOMS.incident(event.streamId));
      }
      if (event.type === "incident.absorbed") {
        for (const unit of event.payload.units) io.local.in(ROOMS.unit(unit.unitId)).socketsJoin(ROOMS.incident(event.streamId));
      }
      const state = states.get(event.streamId);
      const personal = personalDataOf(state ?? { calls: [] });
      // Crews on the incident (a few sockets) before the consoles and pr (many): the fireground first.
      // Only crew sockets join incident rooms (through their unit's room), never the consoles room.
      emitLive(ROOMS.incident(event.streamId), event, () => presentEvent(event, { kind: "crew" }, personal));
      emitLive(ROOMS.consoles, event, () => presentEvent(event, { kind: "console" }, personal));
      emitLive(ROOMS.pr, event, () => presentEvent(event, { kind: "pr" }, personal));
      const leaving = (event.type === "unit.status" && releasesUnit(event.payload.status)) || event.type === "unit.reassigned";
      if (leaving) io.local.in(ROOMS.unit(event.payload.unitId)).socketsLeave(ROOMS.incident(event.streamId));
      if (event.type === "incident.merged") {
        for (const unitId of event.payload.unitIds) io.local.in(ROOMS.unit(unitId)).socketsLeave(ROOMS.incident(event.streamId));
      }
    }
  }
  const ordered = new OrderedDelivery(context.store, await context.store.getLastPosition(), deliverLive, (error) =>
    context.logger.error("live delivery failed", { error: String(error) }),
  );
  io.on("incident.events", (range) => void ordered.accept(range));

  function committed({ events, units, incidents }: CommittedChange): void {
    const states = new Map(incidents.map((state) => [state.id, state]));
    const nowMs = context.clock().getTime();
    // Alerts first: a crew is paged before anything is fanned out to the consoles. Writing to a thousand console
    // sockets takes tens of milliseconds, and a crew socket that was sent the incident event first would hold the
    // alert in its buffer until that write drained, after the whole fan-out.
    for (const unit of units) alerts.unitChanged(unit);
    // Alert every unit this commit left waiting for an acknowledgement: a new dispatch, and also a unit handed
    // over by a merge. Judged from the events, not from this process' memory: with several instances an earlier
    // dispatch or acknowledgement of the unit may have gone through another one. An import does not page crews.
    const alertedBy = unitsAlertedBy(events.filter(isIncidentEvent));
    for (const unit of units) {
      const cause = alertedBy.get(unit.id);
      if (unit.status !== "dispatched" || !unit.incidentId || !cause || cause.source === "import") continue;
      const dispatch = cause.type === "unit.dispatched" ? cause : undefined;
      const state = states.get(unit.incidentId);
      const notes = dispatch?.type === "unit.dispatched" ? dispatch.payload.notes : undefined;
      if (state) alerts.dispatched(buildAlert(state, unit, notes), Date.parse(unit.updatedAt), nowMs);
    }
    const incidentEvents = events.filter(isIncidentEvent);
    if (events.length > 0) {
      const streamIds = new Set(incidentEvents.map((event) => event.streamId));
      const range: CommittedRange = {
        firstPosition: events[0]!.position,
        lastPosition: events[events.length - 1]!.position,
        events: incidentEvents,
        incidents: incidents.filter((state) => streamIds.has(state.id)),
      };
      void ordered.accept(range);
      if (cluster) io.serverSideEmit("incident.events", range);
    }
    for (const unit of units) {
      const view = presentUnit(unit);
      io.to(ROOMS.unit(unit.id)).emit("unit.updated", view);
      io.to(ROOMS.consoles).emit("unit.updated", view);
    }
  }

  // The alert lease holder puts right what the consoles were told about tablets of an instance that died.
  let sweeping: Promise<void> | null = null;
  const presenceSweep = clusterPresence
    ? setInterval(() => {
        if (sweeping || !ticks.holding()) return;
        sweeping = clusterPresence
          .sweep(context.clock())
          .catch((error: unknown) => context.logger.error("presence sweep failed", { error: String(error) }))
          .finally(() => {
            sweeping = null;
          });
      }, PRESENCE_SWEEP_MS)
    : undefined;
  presenceSweep?.unref();

  function disconnectRoom(room: string, exceptRoom?: string): void {
    const sockets = exceptRoom === undefined ? io.in(room) : io.in(room).except(exceptRoom);
    sockets.emit("session.revoked");
    sockets.disconnectSockets(true);
  }

  return {
    io,
    committed,
    endSession: (tokenHash) => disconnectRoom(sessionRoom(tokenHash)),
    endUserSessions: (userId, exceptSession) =>
      disconnectRoom(userRoom(userId), exceptSession === undefined ? undefined : sessionRoom(exceptSession)),
    close: async () => {
      clearInterval(presenceSweep);
      await sweeping;
      await ticks.stop();
      await positions.flush();
      await new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
}
