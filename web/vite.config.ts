import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
/** The Parley server that `npm run dev:web` proxies to. */
const devTarget = process.env.PARLEY_DEV_TARGET ?? 'http://localhost:8080';

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The emoji data (about 550 kB each for English and Chinese names, 90 kB gzipped) are chunks
    // of their own, loaded only when the emoji panel or a :shortcode: needs them.
    chunkSizeWarningLimit: 600,
  },
  server: {
    // The SDK lives in ../src/client, outside the vite root.
    fs: { allow: [projectRoot] },
    proxy: {
      '/ws': { target: devTarget, ws: true, changeOrigin: true },
      '/api': { target: devTarget, changeOrigin: true },
    },
  },
});
