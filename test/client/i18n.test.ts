import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { toSupportedLanguage } from "../../client/src/i18n";
import { en } from "../../client/src/i18n/locales/en";
import { zhCN } from "../../client/src/i18n/locales/zh-CN";
import { zhTW } from "../../client/src/i18n/locales/zh-TW";
import { INCIDENT_TYPES, ROLES, UNIT_STATUSES, UNIT_TYPES, INCIDENT_PHASES } from "../../shared/domain";
import { ERROR_CODES } from "../../shared/errors";
import {
  AGENTS,
  DECISION_FACTORS,
  DECISION_TYPES,
  FIRE_CLASSES,
  ICS_ROLES,
  LEGAL_BASES,
  NOZZLE_PATTERNS,
  STRATEGIES,
  WATER_CONCERNS,
} from "../../shared/decisions";

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const result = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") result.set(full, value);
    else for (const [k, v] of leaves(value, full)) result.set(k, v);
  }
  return result;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const english = leaves(en);

describe("translations", () => {
  it.each([
    ["zh-CN", zhCN],
    ["zh-TW", zhTW],
  ])("%s has every English key, with the same placeholders", (_name, locale) => {
    const translated = leaves(locale as Tree);
    expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      const placeholders = (value: string) => [...value.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
      expect(placeholders(translated.get(key) ?? ""), key).toEqual(placeholders(text));
    }
  });

  it("has a word for every domain value the screens show", () => {
    const groups: [string, readonly string[]][] = [
      ["incidentType", INCIDENT_TYPES],
      ["unitType", UNIT_TYPES],
      ["unitStatus", UNIT_STATUSES],
      ["role", ROLES],
      ["phase", INCIDENT_PHASES],
      ["errors", Object.keys(ERROR_CODES)],
      ["decisionType", DECISION_TYPES],
      ["factor", DECISION_FACTORS],
      ["legalBasis", LEGAL_BASES],
      ["icsRole", ICS_ROLES],
      ["strategy", STRATEGIES],
      ["fireClass", FIRE_CLASSES],
      ["agent", AGENTS],
      ["nozzle", NOZZLE_PATTERNS],
      ["waterConcern", WATER_CONCERNS],
    ];
    for (const [group, values] of groups) for (const value of values) expect(english.has(`${group}.${value}`), `${group}.${value}`).toBe(true);
  });

  it("defines every literal key the client passes to t()", () => {
    const missing: string[] = [];
    for (const file of sourceFiles(path.resolve("client/src"))) {
      const text = fs.readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bt\(\s*"([a-zA-Z]+\.[a-zA-Z_.]+)"/g)) {
        const key = match[1] ?? "";
        if (!english.has(key)) missing.push(`${path.relative(".", file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("maps browser languages onto the three we ship", () => {
    expect(toSupportedLanguage("zh-CN")).toBe("zh-CN");
    expect(toSupportedLanguage("zh")).toBe("zh-CN");
    expect(toSupportedLanguage("zh-Hans-SG")).toBe("zh-CN");
    expect(toSupportedLanguage("zh-TW")).toBe("zh-TW");
    expect(toSupportedLanguage("zh-HK")).toBe("zh-TW");
    expect(toSupportedLanguage("zh-Hant")).toBe("zh-TW");
    expect(toSupportedLanguage("fr-FR")).toBe("en");
  });
});
