import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Problem, type FieldProblem } from './problem';
import { sendProblem, toProblem } from './problem.filter';
import { unsafeTextProblems } from './unsafe-text';
import { invalidRequest } from './validation';

/**
 * Text the database cannot store, or a URL that is not UTF-8, is refused with a 400 naming the
 * field before any guard, query or command sees it: once here, for every route, instead of in
 * each schema.
 */
export function refuseHostileRequests(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Many clients declare JSON on every call, DELETE and body-less POST included: no body is no body.
    if (body === '') return done(null, undefined);
    // The default parser answers through the callback; its type also allows the promise a custom parser may return.
    void parseJson(request, body as string, (error, parsed) => {
      if (error) return done(error, undefined);
      const problems = unsafeTextProblems(parsed, 'body');
      return problems.length > 0 ? done(invalidRequest(problems), undefined) : done(null, parsed);
    });
  });
  // Answered here rather than handed to an error handler: routes outside Nest (the Swagger UI, the
  // web app's files) have none of Nest's filters, and their refusals must be problems too.
  fastify.addHook('preValidation', (request, reply, done) => {
    const problems = [
      ...badQueryEncoding(request.url),
      ...unsafeTextProblems(request.params ?? {}, 'params'),
      ...unsafeTextProblems(request.query ?? {}, 'query'),
    ];
    if (problems.length === 0) return done();
    sendProblem(reply, invalidRequest(problems));
  });
}

/**
 * Plugins outside Nest (Swagger UI's files) answer a missing file with Fastify's own error body;
 * a client must get the same problem+json as from every other route.
 */
export function answerPluginErrorsAsProblems(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (reply.statusCode < 400 || !type.startsWith('application/json') || typeof payload !== 'string') return done(null, payload);
    const message = fastifyMessage(payload);
    const problem = new Problem(reply.statusCode, reply.statusCode === 404 ? 'RouteNotFound' : 'HttpError', message ?? 'refused');
    void reply.header('content-type', 'application/problem+json; charset=utf-8');
    done(null, JSON.stringify(problem.body()));
  });
}

function fastifyMessage(payload: string): string | undefined {
  try {
    const { message } = JSON.parse(payload) as { message?: unknown };
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The router's own refusals (a path that is not valid percent-encoded UTF-8, an over-long path
 * part) come before any hook or filter: the adapter's `frameworkErrors` answers them as problems,
 * with the headers every response carries (`headersFor`, by URL).
 */
export const answerFrameworkErrors =
  (headersFor: (url: string) => Record<string, string>) =>
  (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    void reply.headers(headersFor(request.raw.url ?? ''));
    sendProblem(reply, toProblem(error));
  };

/**
 * What Node's HTTP parser refuses (headers over 16 KB — a long query string among them —, a
 * request that is not HTTP) never reaches Fastify's routes: the `clientErrorHandler` writes the
 * problem on the socket itself and closes it.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new Problem(431, 'HeadersTooLarge', 'the request line and headers together are larger than this server accepts')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new Problem(408, 'RequestTimeout', 'the request did not arrive in time')
        : new Problem(400, 'MalformedRequest', 'the request is not valid HTTP');
  const body = JSON.stringify(problem.body());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.body().title}\r\nConnection: close\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** The query parser keeps `%FF` as it stands: each name and value must decode as UTF-8. */
function badQueryEncoding(url: string): FieldProblem[] {
  const start = url.indexOf('?');
  if (start < 0) return [];
  const problems: FieldProblem[] = [];
  for (const pair of url.slice(start + 1).split('&')) {
    const [name = '', value = ''] = splitOnce(pair, '=');
    const decodedName = decode(name);
    const path = decodedName === undefined ? 'query' : `query.${decodedName}`;
    if (decodedName === undefined || decode(value) === undefined) problems.push({ path, message: 'is not valid percent-encoded UTF-8' });
  }
  return problems;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

function decode(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
