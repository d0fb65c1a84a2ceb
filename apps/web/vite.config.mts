import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The libraries' entries the app imports (also in tsconfig.json's paths). */
const SHARED = {
  '@shinchoku/api-client': 'api-client/index.ts',
  '@shinchoku/access/domain': 'access/domain/index.ts',
  '@shinchoku/municipality': 'municipality/index.ts',
};

/**
 * The web app, built into dist/web and served by the API process at `/`. Vite 8 compiles TSX itself
 * (oxc), so no React plugin: the automatic JSX runtime is all React needs.
 */
/**
 * The app's chunk (main.tsx, imported dynamically by the small entry) is preloaded from index.html,
 * so that it downloads alongside the entry instead of after it.
 */
const preloadApp: Plugin = {
  name: 'shinchoku:preload-app',
  transformIndexHtml: {
    order: 'post',
    handler(html, { bundle }) {
      const app = Object.values(bundle ?? {}).find((chunk) => chunk.type === 'chunk' && chunk.facadeModuleId?.endsWith('/src/main.tsx'));
      return app ? [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${app.fileName}` }, injectTo: 'head' }] : html;
    },
  },
};

export default defineConfig({
  root,
  plugins: [preloadApp],
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  // Only these entries of the libraries reach the bundle: the generated client and pure rules, never server code.
  resolve: {
    alias: Object.fromEntries(
      Object.entries(SHARED).map(([name, entry]) => [name, fileURLToPath(new URL(`../../libs/${entry}`, import.meta.url))]),
    ),
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    rolldownOptions: {
      // React Query marks its hooks "use client" for server-component bundlers; meaningless in a client-only app.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
