import type { FastifyInstance } from 'fastify';
import { etag } from './command-context';

/**
 * Any successful response that states a `version` carries it as the ETag, ready to come back as
 * If-Match. A Fastify hook rather than a Nest interceptor: interceptors wrap every request in an
 * observable pipeline, which measured as a large share of a GET's cost.
 */
export function sendVersionAsEtag(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (_request, reply, payload, done) => {
    const version = (payload as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && reply.statusCode < 300) void reply.header('etag', etag(version));
    done(null, payload);
  });
}
