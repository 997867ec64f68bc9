/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The backend (cozeplus serve) answers /api; `npm run dev` proxies it so the session cookie is same-origin.
const backend = process.env.COZEPLUS_URL ?? "http://127.0.0.1:8888";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    // The shell chunk (React, router, Mantine, react-query, i18next) is ~680 KB minified, ~205 KB gzip
    // (docs/bench/web.md); pages are split off as lazy routes.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { "/api": { target: backend, changeOrigin: false } },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
