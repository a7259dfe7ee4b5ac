import { describe, expect, it } from "vitest";
import { parseImportArgs, UsageError } from "../../server/scripts/sf/args";

const env = { ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "secret-pass" };

describe("import:sf arguments", () => {
  it("defaults to a 60x replay against localhost with credentials from the environment", () => {
    expect(parseImportArgs(["calls.csv"], env)).toEqual({
      file: "calls.csv",
      mode: { kind: "speed", speed: 60 },
      url: "http://localhost:3000",
      username: "admin",
      password: "secret-pass",
    });
  });

  it("reads --instant, --url and credentials given on the command line, in either form", () => {
    expect(
      parseImportArgs(["--instant", "calls.csv", "--url=http://10.0.0.5:8080/", "--username", "ops", "--password=pw"], {}),
    ).toEqual({
      file: "calls.csv",
      mode: { kind: "instant" },
      url: "http://10.0.0.5:8080",
      username: "ops",
      password: "pw",
    });
    expect(parseImportArgs(["calls.csv", "--speed", "2.5"], env)?.mode).toEqual({ kind: "speed", speed: 2.5 });
  });

  it("returns null for --help", () => {
    expect(parseImportArgs(["--help"], {})).toBeNull();
  });

  it("refuses what it cannot mean", () => {
    const cases: string[][] = [
      [],
      ["a.csv", "b.csv"],
      ["a.csv", "--speed", "0"],
      ["a.csv", "--speed", "fast"],
      ["a.csv", "--speed"],
      ["a.csv", "--instant", "--speed", "10"],
      ["a.csv", "--url", "ftp://host"],
      ["a.csv", "--verbose"],
    ];
    for (const argv of cases) expect(() => parseImportArgs(argv, env), argv.join(" ")).toThrow(UsageError);
    expect(() => parseImportArgs(["a.csv"], {})).toThrow(/credentials/);
  });
});
