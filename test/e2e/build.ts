// Builds the client once per run and measures what each role downloads on its first load.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export const CLIENT_DIR = path.resolve("dist/client");

export function buildClient(): void {
  // Vitest sets NODE_ENV=test, which would give a development React and no service worker.
  const result = spawnSync("npx", ["vite", "build", "--mode", "production"], {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

export function readManifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(CLIENT_DIR, ".vite/manifest.json"), "utf8")) as Manifest;
}

/** The JS files a page loads for `keys` (manifest keys), following static imports only. */
export function staticClosure(manifest: Manifest, keys: string[]): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`no manifest entry ${key}`);
    seen.add(key);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const key of keys) visit(key);
  return [...seen].map((key) => manifest[key]?.file ?? key);
}

export function gzipSize(files: string[]): number {
  return files.reduce((total, file) => total + gzipSync(fs.readFileSync(path.join(CLIENT_DIR, file)), { level: 9 }).length, 0);
}

/**
 * The shell's chunk: the module script index.html loads. (The shell's chunk is a manual chunk holding main.tsx, so
 * Vite's manifest does not mark it as the entry; index.html is what the browser follows anyway.)
 */
export function shellKey(manifest: Manifest): string {
  const html = fs.readFileSync(path.join(CLIENT_DIR, "index.html"), "utf8");
  const src = /<script type="module"[^>]* src="\/([^"]+)"/.exec(html)?.[1];
  const key = Object.keys(manifest).find((candidate) => manifest[candidate]?.file === src);
  if (!key) throw new Error(`no manifest entry for index.html's script ${src}`);
  return key;
}

/** Built JS files whose text contains `marker` (a library's class name survives minification). */
export function filesContaining(marker: string): string[] {
  const dir = path.join(CLIENT_DIR, "assets");
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".js") && fs.readFileSync(path.join(dir, name), "utf8").includes(marker))
    .map((name) => `assets/${name}`);
}

export function entryKey(manifest: Manifest, srcSuffix: string): string {
  const key = Object.keys(manifest).find((candidate) => candidate.endsWith(srcSuffix));
  if (!key) throw new Error(`no chunk for ${srcSuffix}`);
  return key;
}
