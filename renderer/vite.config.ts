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
    rollupOptions: { input: fileURLToPath(new URL('./index.html', import.meta.url)) },
  },
};

export default defineConfig(rendererConfig);
