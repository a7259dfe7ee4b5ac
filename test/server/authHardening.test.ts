// Passwords, login limits and whose sessions a supervisor may end (issue 14, points 5, 6 and 7), through the real
// HTTP API of a real server.
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoginResult, UserView } from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import { startTestServer, type TestServer } from "../helpers/server";

const login = (server: TestServer, username: string, password: string, headers: Record<string, string> = {}) =>
  server.api<LoginResult & ErrorBody>("POST", "/auth/login", { body: { username, password }, headers });

async function createUser(server: TestServer, username: string, password: string, role = "dispatcher") {
  return server.api<UserView & ErrorBody>("POST", "/users", { token: server.adminToken, body: { username, password, role } });
}

describe("password hashing (point 5)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("stores argon2id, and two passwords that share their first 72 bytes are different passwords", async () => {
    const shared72 = "Engine-7 responds to 935 Folsom; ladder 3 stages on Harrison, medic 1 wa"; // 72 bytes
    expect(Buffer.byteLength(shared72)).toBe(72);
    const created = await createUser(server, "long-pass", `${shared72}-first-ending`);
    expect(created.status).toBe(201);
    expect((await server.server.store.getUserByUsername("long-pass"))?.passwordHash).toMatch(/^\$argon2id\$/);
    expect((await login(server, "long-pass", `${shared72}-first-ending`)).status).toBe(200);
    const other = await login(server, "long-pass", `${shared72}-other-ending`);
    expect(other.status).toBe(401);
    expect(other.body.code).toBe("invalid_credentials");
  });

  it("accepts an old bcrypt hash once and replaces it with argon2id on that login", async () => {
    const password = "Legacy-account-from-2024";
    const created = await createUser(server, "legacy-user", password);
    expect(created.status).toBe(201);
    // A database written by an earlier version: the hash is bcrypt's.
    await server.server.store.setUserPasswordHash(created.body.id, bcrypt.hashSync(password, 10));
    expect((await server.server.store.getUser(created.body.id))?.passwordHash).toMatch(/^\$2[aby]\$/);

    expect((await login(server, "legacy-user", "Wrong-password-entirely")).status).toBe(401);
    expect((await server.server.store.getUser(created.body.id))?.passwordHash).toMatch(/^\$2[aby]\$/);

    expect((await login(server, "legacy-user", password)).status).toBe(200);
    const rehashed = (await server.server.store.getUser(created.body.id))?.passwordHash;
    expect(rehashed).toMatch(/^\$argon2id\$/);
    expect((await login(server, "legacy-user", password)).status).toBe(200);
    expect((await server.server.store.getUser(created.body.id))?.passwordHash).toBe(rehashed);
  });
});

describe("password policy (point 6)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each([
    ["ten repeated letters", "aaaaaaaaaaaa"],
    ["a common password with digits", "password1234"],
    ["a common password, capitalised with a symbol", "Password2024!"],
    ["a keyboard walk", "qwertyuiop123"],
    ["a common password in leet", "p@ssw0rd1234"],
    ["twelve spaces", "            "],
    ["only zero-width characters", "\u200b".repeat(12)],
    ["a digit run", "123456789012"],
    ["two characters alternating", "abababababab"],
    ["the username itself", "dispatcher-kim-lee"],
    ["the username with digits", "dispatcher-kim-lee2024"],
    ["too short", "Xq7#vB2m"],
  ])("refuses %s with 400 weak_password and creates nothing", async (_name, password) => {
    const answer = await createUser(server, "dispatcher-kim-lee", password);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("weak_password");
    expect(answer.body.issues?.[0]?.path).toBe("password");
    const { users } = (await server.api<{ users: UserView[] }>("GET", "/users", { token: server.adminToken })).body;
    expect(users.map((user) => user.username)).not.toContain("dispatcher-kim-lee");
  });

  it("accepts a long passphrase", async () => {
    const answer = await createUser(server, "dispatcher-kim-lee", "night shift at station 36, coffee at 3");
    expect(answer.status).toBe(201);
  });

  it("refuses to start with a weak ADMIN_PASSWORD on an empty database", async () => {
    await expect(startTestServer({ env: { ADMIN_PASSWORD: "password1234" } })).rejects.toThrow(/common passwords/);
  });
});

describe("login rate limits (point 6)", () => {
  it("limits failed logins per address across usernames, and a forged X-Forwarded-For gives no fresh bucket", async () => {
    const server = await startTestServer({ env: { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: "3", LOGIN_MAX_ATTEMPTS: "1000" } });
    try {
      // Successful logins do not count: a shift change logs everyone in from one address.
      for (let i = 0; i < 5; i++) expect((await login(server, server.adminUsername, server.adminPassword)).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        const wrong = await login(server, `nobody-${i}`, "Guess-password-1", { "x-forwarded-for": `203.0.113.${i}` });
        expect(wrong.status).toBe(401);
      }
      const fourth = await login(server, "nobody-4", "Guess-password-1", { "x-forwarded-for": "198.51.100.77" });
      expect(fourth.status).toBe(429);
      expect(fourth.body.code).toBe("rate_limited");
      expect(fourth.body.message).toMatch(/try again in \d+ s/);
      // The right password from the limited address waits too: the limit is on the address.
      expect((await login(server, server.adminUsername, server.adminPassword, { "x-forwarded-for": "10.9.8.7" })).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it("limits failed logins per account across addresses when a trusted proxy reports them (TRUST_PROXY)", async () => {
    const server = await startTestServer({
      env: { TRUST_PROXY: "loopback", LOGIN_MAX_ATTEMPTS: "3", LOGIN_MAX_ATTEMPTS_PER_ADDRESS: "3" },
    });
    try {
      const target = await server.createAccount("dispatcher");
      // Each try from another client address, as the trusted proxy reports it: the address limit never trips...
      for (let i = 0; i < 3; i++) {
        expect((await login(server, target.username, "Guess-password-1", { "x-forwarded-for": `203.0.113.${i}` })).status).toBe(401);
      }
      // ...but the account's does, even for the right password.
      const blocked = await login(server, target.username, target.password, { "x-forwarded-for": "203.0.113.50" });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe("rate_limited");
      // Other accounts from a fresh address are unaffected; and the proxy's own address got its own bucket.
      expect((await login(server, server.adminUsername, server.adminPassword, { "x-forwarded-for": "203.0.113.51" })).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        expect((await login(server, `ghost-${i}`, "Guess-password-1", { "x-forwarded-for": "192.0.2.9" })).status).toBe(401);
      }
      expect((await login(server, "ghost-9", "Guess-password-1", { "x-forwarded-for": "192.0.2.9" })).status).toBe(429);
      expect((await login(server, "ghost-9", "Guess-password-1", { "x-forwarded-for": "192.0.2.10" })).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe("whose sessions a supervisor may end (point 7)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const revoke = (token: string, userId: string) =>
    server.api<{ revoked: number } & ErrorBody>("POST", "/auth/revoke", { token, body: { userId } });
  const stillWorks = async (token: string) => (await server.api("GET", "/auth/me", { token })).status === 200;

  it("refuses a supervisor ending an admin's, another supervisor's or an integration's sessions with 403 protected_account", async () => {
    const supervisor = await server.createAccount("supervisor");
    const admin = await server.createAccount("admin");
    const peer = await server.createAccount("supervisor");
    const integration = await server.createAccount("integration");
    for (const target of [admin, peer, integration]) {
      const answer = await revoke(supervisor.token, target.user.id);
      expect(answer.status, target.user.role).toBe(403);
      expect(answer.body.code).toBe("protected_account");
      expect(await stillWorks(target.token)).toBe(true);
    }
  });

  it("lets a supervisor end a dispatcher's, a crew's, a PR account's and their own sessions", async () => {
    await server.createUnit("SV-E1");
    const supervisor = await server.createAccount("supervisor");
    for (const target of [await server.createAccount("dispatcher"), await server.createAccount("crew", "SV-E1"), await server.createAccount("pr")]) {
      const answer = await revoke(supervisor.token, target.user.id);
      expect(answer.status, target.user.role).toBe(200);
      expect(answer.body.revoked).toBe(1);
      expect(await stillWorks(target.token)).toBe(false);
    }
    expect((await revoke(supervisor.token, supervisor.user.id)).status).toBe(200);
    expect(await stillWorks(supervisor.token)).toBe(false);
  });

  it("lets an admin end a supervisor's sessions", async () => {
    const supervisor = await server.createAccount("supervisor");
    expect((await revoke(server.adminToken, supervisor.user.id)).status).toBe(200);
    expect(await stillWorks(supervisor.token)).toBe(false);
  });
});
