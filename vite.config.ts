import { defineConfig } from "vite";

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

// No @vitejs/plugin-react: esbuild's automatic JSX runtime is all the client needs (no fast refresh).
export default defineConfig({
  root: "client",
  publicDir: "public",
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
    reportCompressedSize: true,
    // The manifest lets tests and reports measure what each role's first load pulls in.
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
