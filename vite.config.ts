import { defineConfig } from "vite";

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
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: "http://localhost:3000", changeOrigin: true },
      "/socket.io": { target: "http://localhost:3000", ws: true, changeOrigin: true },
    },
  },
});
