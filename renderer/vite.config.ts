// The renderer's build, shared by electron-vite (desktop) and the serve shell's on-demand build,
// so both shells serve the same bundle.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type UserConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export const rendererConfig: UserConfig = {
  root,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: fileURLToPath(new URL('./index.html', import.meta.url)),
      // zod's sources carry /* @__PURE__ */ comments where Rollup cannot use them; it says so for each,
      // on every first `npm start`. Harmless, and not ours to fix: kept out of the user's console.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
};

export default defineConfig(rendererConfig);
