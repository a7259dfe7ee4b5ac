// Password changes by the user (POST /auth/password) and resets by an admin (POST /users/:id/password), through the
// real HTTP API and real sockets of a real server: who keeps a session, whose sockets are cut off, which password
// logs in afterwards, and that a refused change writes nothing and a wrong current password counts like a failed login.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../server/logger";
import type { LoginResult, PasswordChangeResult, PasswordResetResult, UserView } from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import { emitWithAck, startTestServer, waitForConnect, type Account, type ClientSocket, type TestServer } from "../helpers/server";

type Answer = Partial<PasswordChangeResult & PasswordResetResult & ErrorBody>;

const login = (server: TestServer, username: string, password: string) =>
  server.api<LoginResult & ErrorBody>("POST", "/auth/login", { body: { username, password } });

const changePassword = (server: TestServer, token: string, currentPassword: string, newPassword: string) =>
  server.api<Answer>("POST", "/auth/password", { token, body: { currentPassword, newPassword } });

const resetPassword = (server: TestServer, token: string, userId: string, newPassword: string) =>
  server.api<Answer>("POST", `/users/${userId}/password`, { token, body: { newPassword } });

/** A second session of the same account (another console, the tablet in the truck). */
async function secondSession(server: TestServer, account: Account): Promise<string> {
  const answer = await login(server, account.username, account.password);
  expect(answer.status).toBe(200);
  return answer.body.token;
}

async function storedHash(server: TestServer, userId: string): Promise<string> {
  const user = await server.server.store.getUser(userId);
  if (!user) throw new Error(`user ${userId} is missing`);
  return user.passwordHash;
}

/** Resolves with the reason once the socket is disconnected, after the server said `session.revoked`. */
function cutOff(socket: ClientSocket): Promise<{ told: boolean; reason: string }> {
  let told = false;
  socket.once("session.revoked", () => {
    told = true;
  });
  return new Promise((resolve) => socket.once("disconnect", (reason) => resolve({ told, reason })));
}

async function connected(server: TestServer, token: string): Promise<ClientSocket> {
  const socket = server.connect(token);
  await waitForConnect(socket);
  return socket;
}

/** The socket is still connected and still answered: a round trip through the server after the change. */
async function stillServed(server: TestServer, socket: ClientSocket, token: string): Promise<void> {
  const me = await server.api<UserView>("GET", "/auth/me", { token });
  expect(me.status).toBe(200);
  expect(socket.connected).toBe(true);
  const synced = await emitWithAck(socket, "sync", { position: 0 });
  expect(synced.ok).toBe(true);
}

const NEW_PASSWORD = "Harrison-street-ladder-42";

describe("a user changes their own password", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { LOGIN_MAX_ATTEMPTS: "3", LOGIN_MAX_ATTEMPTS_PER_ADDRESS: "1000" } });
  });
  afterAll(() => server.close());

  it("keeps this session, cuts off every other session's socket, and only the new password logs in", async () => {
    const account = await server.createAccount("dispatcher");
    const otherToken = await secondSession(server, account);
    const mine = await connected(server, account.token);
    const other = await connected(server, otherToken);
    const otherCutOff = cutOff(other);
    let mineDropped = false;
    mine.on("disconnect", () => {
      mineDropped = true;
    });

    const answer = await changePassword(server, account.token, account.password, NEW_PASSWORD);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ revokedSessions: 1 });

    expect(await otherCutOff).toEqual({ told: true, reason: "io server disconnect" });
    const otherRest = await server.api<ErrorBody>("GET", "/auth/me", { token: otherToken });
    expect(otherRest.status).toBe(401);
    expect(otherRest.body.code).toBe("token_revoked");

    await stillServed(server, mine, account.token);
    expect(mineDropped).toBe(false);

    expect(await storedHash(server, account.user.id)).toMatch(/^\$argon2id\$/);
    const old = await login(server, account.username, account.password);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe("invalid_credentials");
    expect((await login(server, account.username, NEW_PASSWORD)).status).toBe(200);
  });

  it("refuses a wrong current password with 401 invalid_credentials, writes nothing, and counts it toward the login limit", async () => {
    await server.createUnit("PW-E1");
    const account = await server.createAccount("crew", "PW-E1");
    const otherToken = await secondSession(server, account);
    const hashBefore = await storedHash(server, account.user.id);

    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await changePassword(server, account.token, `Not-the-password-${attempt}`, NEW_PASSWORD);
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe("invalid_credentials");
    }
    // Past LOGIN_MAX_ATTEMPTS even the right current password waits, and so does a login to that account: one count.
    const limited = await changePassword(server, account.token, account.password, NEW_PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    expect(limited.body.message).toMatch(/try again in \d+ s/);
    expect((await login(server, account.username, account.password)).status).toBe(429);

    // The token that guessed is still a session (a wrong password is not a logout), and nothing was written.
    expect((await server.api("GET", "/auth/me", { token: account.token })).status).toBe(200);
    expect((await server.api("GET", "/auth/me", { token: otherToken })).status).toBe(200);
    expect(await storedHash(server, account.user.id)).toBe(hashBefore);
  });

  it("counts failed logins and wrong current passwords in the same per-account bucket", async () => {
    const account = await server.createAccount("pr");
    expect((await login(server, account.username, "Guess-number-one-1")).status).toBe(401);
    expect((await login(server, account.username, "Guess-number-two-2")).status).toBe(401);
    expect((await changePassword(server, account.token, "Guess-number-three-3", NEW_PASSWORD)).status).toBe(401);
    expect((await changePassword(server, account.token, account.password, NEW_PASSWORD)).status).toBe(429);
  });

  it.each([
    ["too short", "Short-1", "weak_password", /at least 12 characters/],
    ["on the common list", "P@ssw0rd2024!", "weak_password", /common passwords/],
    ["the username", "{username}", "weak_password", /username/],
    ["the current password", "{current}", "password_unchanged", /current/],
  ])("refuses a new password that is %s with 400 and writes nothing", async (_name, candidate, code, reason) => {
    const account = await server.createAccount("caseworker");
    const otherToken = await secondSession(server, account);
    const hashBefore = await storedHash(server, account.user.id);
    const newPassword = candidate.replace("{username}", account.username).replace("{current}", account.password);

    const refused = await changePassword(server, account.token, account.password, newPassword);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(code);
    expect(refused.body.issues?.[0]?.path).toBe("newPassword");
    expect(refused.body.issues?.[0]?.message).toMatch(reason);

    expect(await storedHash(server, account.user.id)).toBe(hashBefore);
    expect((await server.api("GET", "/auth/me", { token: otherToken })).status).toBe(200);
    expect((await login(server, account.username, account.password)).status).toBe(200);
  });

  it("does not count refused new passwords toward the limit: they came with the right current password", async () => {
    const account = await server.createAccount("supervisor");
    for (let attempt = 0; attempt < 4; attempt++) {
      expect((await changePassword(server, account.token, account.password, "Short-1")).status).toBe(400);
    }
    expect((await changePassword(server, account.token, account.password, NEW_PASSWORD)).status).toBe(200);
  });

  it("refuses malformed bodies with 400 validation_failed", async () => {
    const account = await server.createAccount("dispatcher");
    const missing = await server.api<ErrorBody>("POST", "/auth/password", { token: account.token, body: { newPassword: NEW_PASSWORD } });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe("validation_failed");
    const extra = await server.api<ErrorBody>("POST", "/auth/password", {
      token: account.token,
      body: { currentPassword: account.password, newPassword: NEW_PASSWORD, userId: "someone-else" },
    });
    expect(extra.status).toBe(400);
    expect((await login(server, account.username, account.password)).status).toBe(200);
  });

  it("refuses integration accounts: an admin rotates a machine's password", async () => {
    const machine = await server.createAccount("integration");
    const refused = await changePassword(server, machine.token, machine.password, NEW_PASSWORD);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("forbidden");
    expect((await login(server, machine.username, machine.password)).status).toBe(200);
  });

  it("lets exactly one of two racing changes from two sessions win", async () => {
    const account = await server.createAccount("dispatcher");
    const otherToken = await secondSession(server, account);
    const [first, second] = await Promise.all([
      changePassword(server, account.token, account.password, "First-racing-password-1"),
      changePassword(server, otherToken, account.password, "Second-racing-password-2"),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 401]);
    const winner = first.status === 200 ? "First-racing-password-1" : "Second-racing-password-2";
    const loser = first.status === 200 ? "Second-racing-password-2" : "First-racing-password-1";
    expect((await login(server, account.username, winner)).status).toBe(200);
    expect((await login(server, account.username, loser)).status).toBe(401);
  });
});

describe("an admin resets another account's password", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("ends every session of that account, sockets included, and only the new password logs in", async () => {
    await server.createUnit("PW-T2");
    const account = await server.createAccount("crew", "PW-T2");
    const otherToken = await secondSession(server, account);
    const sockets = [await connected(server, account.token), await connected(server, otherToken)];
    const cut = sockets.map(cutOff);

    const answer = await resetPassword(server, server.adminToken, account.user.id, NEW_PASSWORD);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ userId: account.user.id, revokedSessions: 2 });

    for (const result of await Promise.all(cut)) expect(result).toEqual({ told: true, reason: "io server disconnect" });
    for (const token of [account.token, otherToken]) {
      const after = await server.api<ErrorBody>("GET", "/auth/me", { token });
      expect(after.body.code).toBe("token_revoked");
    }
    expect((await login(server, account.username, account.password)).status).toBe(401);
    expect((await login(server, account.username, NEW_PASSWORD)).status).toBe(200);
    // The admin's own session is untouched.
    expect((await server.api("GET", "/auth/me", { token: server.adminToken })).status).toBe(200);
  });

  it("puts the new password through the policy and writes nothing when it is weak", async () => {
    const account = await server.createAccount("dispatcher");
    const hashBefore = await storedHash(server, account.user.id);
    const refused = await resetPassword(server, server.adminToken, account.user.id, account.username);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("weak_password");
    expect(refused.body.issues?.[0]).toEqual({ path: "newPassword", message: "the password must not be the username" });
    expect(await storedHash(server, account.user.id)).toBe(hashBefore);
    expect((await server.api("GET", "/auth/me", { token: account.token })).status).toBe(200);
  });

  it("refuses the admin's own account (that is a change with the current password) and an unknown one", async () => {
    const me = await server.api<UserView>("GET", "/auth/me", { token: server.adminToken });
    const own = await resetPassword(server, server.adminToken, me.body.id, NEW_PASSWORD);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe("protected_account");
    expect(own.body.message).toMatch(/POST \/auth\/password/);
    expect((await login(server, server.adminUsername, server.adminPassword)).status).toBe(200);

    const unknown = await resetPassword(server, server.adminToken, "no-such-user", NEW_PASSWORD);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("not_found");
  });

  it("resets another admin's and an integration account's password (a locked-out admin, a rotated machine secret)", async () => {
    for (const role of ["admin", "integration"] as const) {
      const account = await server.createAccount(role);
      expect((await resetPassword(server, server.adminToken, account.user.id, NEW_PASSWORD)).status).toBe(200);
      expect((await login(server, account.username, NEW_PASSWORD)).status).toBe(200);
    }
  });

  it("asks for the person's own password at the next login when the admin says so, until the person changed it", async () => {
    const account = await server.createAccount("pr");
    const plain = await resetPassword(server, server.adminToken, account.user.id, NEW_PASSWORD);
    expect(plain.status).toBe(200);
    expect((await login(server, account.username, NEW_PASSWORD)).body.user.mustChangePassword).toBeUndefined();

    const asked = await server.api<Answer>("POST", `/users/${account.user.id}/password`, {
      token: server.adminToken,
      body: { newPassword: "Chosen-by-the-admin-1", mustChangePassword: true },
    });
    expect(asked.status).toBe(200);
    const first = await login(server, account.username, "Chosen-by-the-admin-1");
    expect(first.body.user.mustChangePassword).toBe(true);
    expect((await server.api<UserView>("GET", "/auth/me", { token: first.body.token })).body.mustChangePassword).toBe(true);
    // The server holds to it, not only the screens: nothing else answers, no socket connects.
    const early = await server.api<ErrorBody>("GET", "/units", { token: first.body.token });
    expect([early.status, early.body.code]).toEqual([403, "password_change_required"]);
    await expect(waitForConnect(server.connect(first.body.token))).rejects.toThrow("password_change_required");

    expect((await changePassword(server, first.body.token, "Chosen-by-the-admin-1", "Chosen-by-the-person-2")).status).toBe(200);
    expect((await server.api<UserView>("GET", "/auth/me", { token: first.body.token })).body.mustChangePassword).toBeUndefined();
    expect((await server.api("GET", "/units", { token: first.body.token })).status).toBe(200);
    await waitForConnect(server.connect(first.body.token));
    expect((await login(server, account.username, "Chosen-by-the-person-2")).body.user.mustChangePassword).toBeUndefined();
  });

  it("asks for it at the first login of an account created so, and never of an integration account", async () => {
    const created = await server.api<UserView>("POST", "/users", {
      token: server.adminToken,
      body: { username: "first-login", password: "Initial-password-77", role: "dispatcher", mustChangePassword: true },
    });
    expect(created.status).toBe(201);
    expect(created.body.mustChangePassword).toBe(true);
    expect((await login(server, "first-login", "Initial-password-77")).body.user.mustChangePassword).toBe(true);

    const machineCreated = await server.api<ErrorBody>("POST", "/users", {
      token: server.adminToken,
      body: { username: "feed-machine", password: "Initial-password-77", role: "integration", mustChangePassword: true },
    });
    expect(machineCreated.status).toBe(400);
    expect(machineCreated.body.code).toBe("validation_failed");
    expect(await server.server.store.getUserByUsername("feed-machine")).toBeNull();

    const machine = await server.createAccount("integration");
    const hashBefore = await storedHash(server, machine.user.id);
    const machineReset = await server.api<ErrorBody>("POST", `/users/${machine.user.id}/password`, {
      token: server.adminToken,
      body: { newPassword: NEW_PASSWORD, mustChangePassword: true },
    });
    expect(machineReset.status).toBe(400);
    expect(machineReset.body.code).toBe("validation_failed");
    expect(await storedHash(server, machine.user.id)).toBe(hashBefore);
  });

  it("refuses a supervisor with 403 forbidden and writes nothing", async () => {
    const supervisor = await server.createAccount("supervisor");
    const account = await server.createAccount("dispatcher");
    const refused = await resetPassword(server, supervisor.token, account.user.id, NEW_PASSWORD);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("forbidden");
    expect((await login(server, account.username, account.password)).status).toBe(200);
  });
});

describe("the log of password changes", () => {
  it("records who changed or reset a password, and never a password, even one passed to the logger by mistake", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    });
    const logger = createLogger("info", sink);
    const server = await startTestServer({ logger });
    try {
      const account = await server.createAccount("dispatcher");
      expect((await changePassword(server, account.token, account.password, NEW_PASSWORD)).status).toBe(200);
      expect((await resetPassword(server, server.adminToken, account.user.id, "Reset-password-for-log-9")).status).toBe(200);
      logger.info("a careless line", { body: { currentPassword: account.password, newPassword: NEW_PASSWORD } });

      const changed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(changed.find((line) => line.msg === "password changed by its user")).toMatchObject({ userId: account.user.id, revokedSessions: 0 });
      expect(changed.find((line) => line.msg === "password reset by an admin")).toMatchObject({ userId: account.user.id, revokedSessions: 1 });
      const all = lines.join("\n");
      for (const secret of [account.password, NEW_PASSWORD, "Reset-password-for-log-9"]) expect(all).not.toContain(secret);
      expect(all).toContain("[redacted]");
    } finally {
      await server.close();
    }
  });
});
