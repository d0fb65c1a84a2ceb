import type { FastifyInstance } from 'fastify';
import { etag } from './command-context';

/**
 * Any successful response that states a `version` carries it as the ETag, ready to come back as
 * If-Match; and a GET whose If-None-Match names the ETag it would carry is answered 304 without a
 * body, so a client that polls a sheet downloads it only when it changed. Fastify hooks rather
 * than a Nest interceptor: interceptors wrap every request in an observable pipeline, which
 * measured as a large share of a GET's cost.
 */
export function sendVersionAsEtag(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (_request, reply, payload, done) => {
    const version = (payload as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && reply.statusCode < 300) void reply.header('etag', etag(version));
    done(null, payload);
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const tag = reply.getHeader('etag');
    const wanted = request.headers['if-none-match'];
    if (request.method === 'GET' && reply.statusCode === 200 && typeof tag === 'string' && wanted !== undefined && namesTag(wanted, tag)) {
      void reply.code(304);
      done(null, '');
      return;
    }
    done(null, payload);
  });
}

/** If-None-Match's weak comparison (RFC 9110 13.1.2): `*`, or any listed tag with W/ set aside. */
function namesTag(header: string, tag: string): boolean {
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return header.trim() === '*' || header.split(',').some((listed) => opaque(listed) === opaque(tag));
}
