// Command line of `npm run import:sf -- <csv> [--speed N | --instant] [--url U] [--username U] [--password P]`.

export const USAGE = `Replays a DataSF "Fire Department Calls for Service" CSV through the HTTP API.

Usage: npm run import:sf -- <file.csv> [--speed N | --instant] [--url URL] [--username NAME] [--password PASS]

  --speed N      replay starting now, the file's time line N times faster (default: --speed 60)
  --instant      post every event in time order as fast as the server accepts them, with the file's own times
  --url URL      server to talk to (default http://localhost:3000)
  --username, --password
                 an admin or integration account (default: env ADMIN_USERNAME / ADMIN_PASSWORD)

An --instant import is idempotent: running it again creates nothing new. A --speed replay gets fresh ids on
every run, because its times are different every time.`;

export type ReplayMode = { kind: "instant" } | { kind: "speed"; speed: number };

export interface ImportArgs {
  file: string;
  mode: ReplayMode;
  url: string;
  username: string;
  password: string;
}

export class UsageError extends Error {}

export const DEFAULT_SPEED = 60;
export const DEFAULT_URL = "http://localhost:3000";

/** Parses argv (without node and the script); returns null when help was asked for. */
export function parseImportArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ImportArgs | null {
  const files: string[] = [];
  let speed: number | undefined;
  let instant = false;
  let url = DEFAULT_URL;
  let username = env.ADMIN_USERNAME;
  let password = env.ADMIN_PASSWORD;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case "--help":
        return null;
      case "--instant":
        if (eq !== -1) throw new UsageError("--instant takes no value");
        instant = true;
        break;
      case "--speed": {
        const text = value();
        const parsed = Number(text);
        if (text.trim() === "" || !Number.isFinite(parsed) || parsed <= 0) {
          throw new UsageError(`--speed needs a positive number, got ${JSON.stringify(text)}`);
        }
        speed = parsed;
        break;
      }
      case "--url": {
        const text = value();
        let parsed: URL;
        try {
          parsed = new URL(text);
        } catch {
          throw new UsageError(`--url is not a URL: ${JSON.stringify(text)}`);
        }
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UsageError("--url must be http(s)");
        url = parsed.origin + parsed.pathname.replace(/\/+$/, "");
        break;
      }
      case "--username":
        username = value();
        break;
      case "--password":
        password = value();
        break;
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? "which CSV file?" : "one CSV file at a time");
  if (instant && speed !== undefined) throw new UsageError("--instant and --speed exclude each other");
  if (!username || !password) {
    throw new UsageError("credentials needed: --username/--password or env ADMIN_USERNAME/ADMIN_PASSWORD");
  }
  return {
    file: files[0] as string,
    mode: instant ? { kind: "instant" } : { kind: "speed", speed: speed ?? DEFAULT_SPEED },
    url,
    username,
    password,
  };
}
