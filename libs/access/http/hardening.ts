import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AccessConfig as Config } from '../access-settings';
import { CONFIG } from '@shinchoku/runtime';

/** An API of JSON documents: nothing may frame it, sniff it, or run it as a page. */
const HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
const CSP = "default-src 'none'; frame-ancestors 'none'";

/** The headers for a response to `url`; also set on the router's own refusals, which no hook sees. */
export const securityHeaders = (url: string): Record<string, string> =>
  url.startsWith('/docs') ? HEADERS : { ...HEADERS, 'content-security-policy': CSP };

/**
 * Security headers on every response (one hook, so 404s and errors carry them too), and CORS
 * only for the origins in CORS_ORIGINS. /docs keeps its scripts: the strict CSP would blank it.
 */
export function harden(app: NestFastifyApplication): void {
  const { corsOrigins } = app.get<Config>(CONFIG);
  if (corsOrigins.length > 0) {
    app.enableCors({
      origin: corsOrigins,
      allowedHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key'],
      exposedHeaders: ['etag', 'location', 'retry-after'],
      maxAge: 600,
    });
  }
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.headers(securityHeaders(request.url));
      done();
    });
}
