import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
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

/**
 * Each script and stylesheet also as .br and .gz beside it, compressed once at build time at the
 * highest levels, so the server sends the first page's ~95 KB instead of ~314 KB without spending
 * CPU on compression per request (see serveWebApp's preCompressed).
 */
const precompress: Plugin = {
  name: 'shinchoku:precompress',
  // Once the files are written: earlier, other plugins still rewrite the chunks' code.
  writeBundle(options, bundle) {
    for (const fileName of Object.keys(bundle)) {
      if (!/\.(js|css)$/.test(fileName)) continue;
      const path = join(options.dir!, fileName);
      const source = readFileSync(path);
      writeFileSync(`${path}.br`, brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }));
    }
  },
};

export default defineConfig({
  root,
  plugins: [preloadApp, precompress],
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
