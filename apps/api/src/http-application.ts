import type { DynamicModule, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { serveOpenApi } from './openapi';

/** Bodies are small JSON documents; anything larger is refused with 413 before it is read whole. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** The Fastify application exactly as served: used by the runtime and by the HTTP tests alike. */
export async function createHttpApplication(module: DynamicModule, logger: LoggerService | false): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    logger,
    abortOnError: false,
  });
  // The API speaks JSON only: without a text parser, other media types get 415 instead of a string body.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain']);
  serveOpenApi(app);
  return app;
}
