// The renderer's build: renderer/ into dist/renderer/ with relative URLs, so that the same files
// load from app://corral/ in the desktop window and from http://127.0.0.1:PORT/ under corral serve.
// Everything is a file of its own (no inline script or style), as the pages' CSP requires.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    // Small assets stay files: a data: URL for a script or style would not pass the CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: true,
  },
});
