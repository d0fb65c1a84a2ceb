import type { DynamicModule, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import multipart from '@fastify/multipart';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { harden, securityHeaders } from '@shinchoku/access';
import {
  answerClientError,
  answerFrameworkErrors,
  answerPluginErrorsAsProblems,
  refuseHostileRequests,
  sendVersionAsEtag,
} from '@shinchoku/http';
import { serveOpenApi } from './openapi';
import { serveWebApp } from './web-app';

/** Bodies are small JSON documents; anything larger is refused with 413 before it is read whole. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** How long a client may take to send a request, and the server to answer it, in ms (0 = no bound). */
export interface HttpTimeouts {
  requestTimeoutMs: number;
  handlerTimeoutMs: number;
}

/** The Fastify application exactly as served: used by the runtime and by the HTTP tests alike. */
export async function createHttpApplication(
  module: DynamicModule,
  logger: LoggerService | false,
  timeouts?: HttpTimeouts,
): Promise<NestFastifyApplication> {
  // A client trickling a request in (or holding a socket silent) is cut off, and a request still
  // unanswered after the handler bound gets 503 with Retry-After (the problem filter says so).
  const bounds = timeouts && {
    requestTimeout: timeouts.requestTimeoutMs,
    connectionTimeout: timeouts.requestTimeoutMs,
    ...(timeouts.handlerTimeoutMs > 0 && { handlerTimeout: timeouts.handlerTimeoutMs }),
  };
  // The API speaks JSON only: Nest's own parsers (JSON and form encoding) are off, Fastify's JSON
  // parser is replaced by one that refuses unsafe text, and without its text parser every other
  // media type gets 415. What the router and Node's parser refuse is answered as a problem too.
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: answerFrameworkErrors(securityHeaders),
    clientErrorHandler: answerClientError,
    ...bounds,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { logger, abortOnError: false, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser(['text/plain']);
  refuseHostileRequests(fastify);
  answerPluginErrorsAsProblems(fastify);
  sendVersionAsEtag(fastify);
  harden(app);
  // Uploads (POST /imports) stream through @fastify/multipart; the route sets its own size limit.
  await app.register(multipart as never);
  serveOpenApi(app);
  await serveWebApp(app);
  return app;
}
