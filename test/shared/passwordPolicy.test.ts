import { describe, expect, it } from "vitest";
import { commonPasswordCandidates, passwordProblem } from "../../shared/passwordPolicy";

const common = new Set(["password", "qwerty", "dragon"]);
const isCommon = (candidate: string) => common.has(candidate);

describe("password policy", () => {
  it("compares the common list after stripping digits and symbols around and undoing digit swaps", () => {
    expect(commonPasswordCandidates("P@ssw0rd2024!")).toContain("password");
    expect(passwordProblem("P@ssw0rd2024!", "kim", isCommon)).toMatch(/common/);
    expect(passwordProblem("dragondragondragon", "kim", isCommon)).toMatch(/common/);
  });

  it("refuses the username and the username with digits or symbols, not a passphrase that mentions it", () => {
    expect(passwordProblem("crew-e1-crew-e1", "crew-e1", isCommon)).toBeNull();
    expect(passwordProblem("Crew-E1!2024##", "crew-e1", isCommon)).toMatch(/username/);
    expect(passwordProblem("admin-password-for-tests", "admin", isCommon)).toBeNull();
  });

  it("counts characters, not UTF-16 units, and needs five different ones", () => {
    expect(passwordProblem("🔥🚒🚑🧯🚨🔥🚒🚑🧯🚨🔥🚒", "kim", isCommon)).toBeNull();
    expect(passwordProblem("🔥🚒🚑🧯🚨🔥", "kim", isCommon)).toMatch(/12/);
    expect(passwordProblem("abcdabcdabcd", "kim", isCommon)).toMatch(/5 different/);
  });
});
