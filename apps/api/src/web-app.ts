import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AccessConfig } from '@shinchoku/access';
import { CONFIG } from '@shinchoku/runtime';

/** The app's own paths: each answers index.html and the app routes in the browser. Nothing under /api, /docs, /health, /metrics. */
export const WEB_APP_ROUTES = [
  '/',
  '/login',
  '/login/callback',
  '/sheets',
  '/sheets/:sheetId',
  '/sheets/:sheetId/history',
  '/ward',
  '/import',
  '/reminders',
  '/settings',
];

/**
 * The page may load only its own scripts and styles and talk only to its own origin, and to the
 * identity provider's token endpoint when SSO sign-in is offered (the code is exchanged there);
 * nothing may frame it. Stricter than Swagger's /docs, looser than the API's "default-src 'none'".
 */
export function webAppCsp(tokenUrl?: string): string {
  const connect = ["'self'", ...(tokenUrl ? [new URL(tokenUrl).origin] : [])].join(' ');
  return `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src ${connect}; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
}

/** Where `vite build` put the app: dist/web next to the compiled API, or under dist/ when run from source (tests). */
function builtApp(): string | undefined {
  return [resolve(__dirname, '../../../web'), resolve(__dirname, '../../../dist/web')].find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * Serves the built web app from this process: hashed assets cached for a year, index.html never
 * (so a deploy is seen at the next load). Without a build the API runs alone.
 */
export async function serveWebApp(app: NestFastifyApplication): Promise<void> {
  const root = builtApp();
  if (!root) return;
  const index = readFileSync(join(root, 'index.html'));
  const csp = webAppCsp(app.get<AccessConfig>(CONFIG).oidc?.signIn?.tokenUrl);
  await app.register(fastifyStatic as never, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: '365d',
    // The build wrote each asset also as .br and .gz: sent as the browser accepts, with Vary: Accept-Encoding.
    preCompressed: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  for (const url of WEB_APP_ROUTES) {
    fastify.get(url, (_request, reply) =>
      reply.header('cache-control', 'no-cache').header('content-security-policy', csp).type('text/html; charset=utf-8').send(index),
    );
  }
}
