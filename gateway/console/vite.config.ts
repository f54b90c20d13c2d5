import { defineConfig } from 'vite';

// Served by the gateway under /console/ (docs/adr/0009); the build goes where the gateway's build says (--outDir).
export default defineConfig({
  base: '/console/',
  build: { target: 'es2022', sourcemap: true, assetsInlineLimit: 0 },
  server: { proxy: { '/api': process.env.GATEWAY ?? 'http://127.0.0.1:8080' } },
});
