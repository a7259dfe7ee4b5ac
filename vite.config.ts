import fs from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

/**
 * Small modules nearly every screen uses go into the shell's chunk: as chunks of their own they cost the tablet a
 * request and a kilobyte of headers each for a few hundred bytes of code (issue 12). The modulepreload polyfill
 * goes with them so the entry is this one chunk, not a facade in front of it.
 */
const SHELL_MODULES = [
  "vite/modulepreload-polyfill.js",
  "/client/src/main.tsx",
  "/shared/limits.ts",
  "/client/src/ui/ThemeToggle.tsx",
  "/client/src/ui/SessionControls.tsx",
  "/client/src/app/useTimeFormat.ts",
  "/client/src/format/time.ts",
];

/**
 * Writes `<file>.br` (Brotli 11) and `<file>.gz` (gzip 9) beside each built asset; the server sends them to
 * browsers that take them (server/http/staticAssets.ts). Compressing per request at these levels would cost the
 * server seconds of CPU; once at build time it is about a second.
 */
function precompress(): Plugin {
  return {
    name: "precompress",
    apply: "build",
    writeBundle(options, bundle) {
      const outDir = options.dir ?? "";
      for (const file of Object.keys(bundle)) {
        if (!file.startsWith("assets/") || !/\.(js|css|svg|json)$/.test(file)) continue;
        const full = path.join(outDir, file);
        const source = fs.readFileSync(full);
        if (source.length < 1024) continue; // below the server's compression threshold too
        const brotli = brotliCompressSync(source, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: source.length },
        });
        fs.writeFileSync(`${full}.br`, brotli);
        fs.writeFileSync(`${full}.gz`, gzipSync(source, { level: 9 }));
      }
    },
  };
}

// No @vitejs/plugin-react: esbuild's automatic JSX runtime is all the client needs (no fast refresh).
export default defineConfig({
  root: "client",
  publicDir: "public",
  esbuild: { jsx: "automatic" },
  plugins: [precompress()],
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
    reportCompressedSize: true,
    // The manifest lets tests and reports measure what each role's first load pulls in. The shell's chunk is a
    // manual chunk (SHELL_MODULES), so the manifest does not mark it as the entry: index.html names it.
    manifest: true,
    sourcemap: false,
    target: "es2022",
    rollupOptions: {
      output: {
        manualChunks: (id) => (SHELL_MODULES.some((suffix) => id.endsWith(suffix)) ? "index" : undefined),
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: "http://localhost:3000", changeOrigin: true },
      "/socket.io": { target: "http://localhost:3000", ws: true, changeOrigin: true },
    },
  },
});
