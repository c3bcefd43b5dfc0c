import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// The kg server to proxy API calls to during `npm run dev`.
const kg = process.env.KG_URL || 'http://127.0.0.1:8080';

// In dev, serve /explore and /playground like the Go server does.
const pageRoutes = {
  name: 'kg-page-routes',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      const m = /^\/(explore|playground)\/?(\?.*)?$/.exec(req.url || '');
      if (m) req.url = `/${m[1]}.html${m[2] || ''}`;
      else if (req.url === '/' || req.url?.startsWith('/?')) req.url = '/explore.html';
      next();
    });
  },
};

export default defineConfig({
  base: '/',
  plugins: [pageRoutes],
  server: {
    proxy: {
      '/graphql': kg,
      '/export': kg,
      '/readyz': kg,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything is served from the binary: no CDN, no module preload
    // polyfill fetching, reproducible file names.
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // React libraries mark modules "use client"; meaningless in a bundle.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      input: {
        explore: resolve(import.meta.dirname, 'explore.html'),
        playground: resolve(import.meta.dirname, 'playground.html'),
      },
    },
  },
});
