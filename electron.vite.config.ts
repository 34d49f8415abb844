import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const alias = { '@shared': resolve(import.meta.dirname, 'shared') };

// Custom roots: electron/main, electron/preload and renderer/ (DESIGN.md, "Processes and layers").
export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      // The bootstrap's writer thread is an entry of its own, emitted beside index.js (core/sync/apply-thread.ts).
      lib: { entry: { index: resolve(import.meta.dirname, 'electron/main/index.ts'), 'apply-worker': resolve(import.meta.dirname, 'electron/core/sync/apply-worker.ts') } },
      rollupOptions: { external: ['better-sqlite3', 'keytar', 'pdfkit'] },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only 'electron': one CommonJS file with zod bundled in.
      externalizeDeps: false,
      lib: { entry: resolve(import.meta.dirname, 'electron/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      rollupOptions: { external: ['electron'] },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    resolve: { alias },
    plugins: [react()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
