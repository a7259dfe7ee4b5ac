// The built client's hashed files (`/assets/*`): served from the Brotli and gzip copies the build writes beside
// them (vite.config.ts, `precompress`), compressed once at the highest level instead of per request at the
// middleware's fast level (issue 12: the tablet's first load is about 15 % smaller with Brotli 11 than with the
// middleware's Brotli 4 or gzip 6). A hashed name never changes content, so browsers may keep it for a year.
import fs from "node:fs";
import path from "node:path";
import type { NextFunction, Request, Response } from "express";

/** Only the file names the build writes: a name, a hash, an extension; nothing that could leave the folder. */
const ASSET_PATH = /^\/assets\/[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

const ENCODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

/** The q-value the Accept-Encoding header gives `encoding` (a `*` covers the rest), 0 when it is refused or absent. */
export function acceptedQuality(header: string | undefined, encoding: string): number {
  let wildcard = 0;
  for (const part of (header ?? "").split(",")) {
    const [token = "", ...parameters] = part.trim().toLowerCase().split(";");
    const qParameter = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith("q="));
    const quality = qParameter === undefined ? 1 : Number(qParameter.slice(2));
    const valid = Number.isFinite(quality) ? quality : 0;
    if (token.trim() === encoding) return valid;
    if (token.trim() === "*") wildcard = valid;
  }
  return wildcard;
}

/** Serves `<file>.br` or `<file>.gz` for `/assets/<file>` when the browser takes it; anything else goes on. */
export function precompressedAssets(clientDir: string) {
  const assetsDir = path.join(clientDir, "assets");
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || !ASSET_PATH.test(req.path)) return next();
    const original = path.join(assetsDir, path.basename(req.path));
    const header = req.get("accept-encoding");
    res.vary("Accept-Encoding");
    // The best quality the browser gives, Brotli first among equals (Chromium lists gzip first, all at q=1).
    const chosen = ENCODINGS.map((encoding) => ({ ...encoding, quality: acceptedQuality(header, encoding.name) }))
      .filter((encoding) => encoding.quality > 0)
      .sort((a, b) => b.quality - a.quality)
      .find((encoding) => fs.existsSync(original + encoding.suffix));
    if (!chosen || !fs.existsSync(original)) return next();
    res.type(path.extname(original));
    res.setHeader("Content-Encoding", chosen.name);
    res.sendFile(original + chosen.suffix, { maxAge: "365d", immutable: true }, (error?: Error) => {
      if (!error || res.headersSent) return;
      // Gone since the check (a new build being copied in): let the plain file or the 404 answer.
      res.removeHeader("Content-Encoding");
      res.removeHeader("Content-Type");
      next();
    });
  };
}
