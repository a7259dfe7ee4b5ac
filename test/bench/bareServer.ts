// The floor for the realtime figures of `npm run bench`: a bare socket.io server of the same version, with no
// store, no auth and no presenting. Run as its own process (like the server under test) and driven over HTTP:
//   POST /emit      broadcasts the posted JSON as `incident.event` to every socket
//   POST /alert     emits the posted JSON as `dispatch.alert` to the "crew" room (the other sockets stay connected)
//   POST /log       replaces the events a `sync` replays (each has a numeric `position`)
//   GET  /health    answers at once
// A socket whose handshake says `{ role: "crew" }` joins the "crew" room. `sync { position }` sends every kept event
// after the position to that socket and answers `{ ok: true, data: { more: false } }`.
import http from "node:http";
import { Server } from "socket.io";

interface LoggedEvent {
  position: number;
}

let log: LoggedEvent[] = [];

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : null);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on("error", reject);
  });
}

const httpServer = http.createServer((req, res) => {
  const done = () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  };
  if (req.method === "GET" && req.url === "/health") return done();
  readJson(req).then(
    (body) => {
      if (req.url === "/emit") io.emit("incident.event", body);
      else if (req.url === "/alert") io.to("crew").emit("dispatch.alert", body);
      else if (req.url === "/log") log = body as LoggedEvent[];
      done();
    },
    () => {
      res.writeHead(400).end();
    },
  );
});

const io = new Server(httpServer, { serveClient: false });
io.on("connection", (socket) => {
  if ((socket.handshake.auth as { role?: unknown }).role === "crew") void socket.join("crew");
  socket.on("sync", (payload: { position?: number } | undefined, ack: unknown) => {
    const after = payload?.position ?? 0;
    for (const event of log) if (event.position > after) socket.emit("incident.event", event);
    if (typeof ack === "function") (ack as (result: unknown) => void)({ ok: true, data: { more: false, position: log.at(-1)?.position ?? after } });
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = httpServer.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : ""}`);
});
process.on("SIGTERM", () => {
  void io.close(() => process.exit(0));
});
