import type { FastifyInstance } from 'fastify';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { responseComponents } from '@shinchoku/http';

const TAGS: Record<string, string> = {
  sheets:
    '組織目標管理シート: a unit’s goals (目標), indicators (指標), targets, quarterly progress, results and evaluations; every write a command on an audited event stream.',
  'ward plans': '区 組織目標: a ward’s 区長, purpose and numbered 重点目標 (priority goals), and its year-end evaluation.',
  summaries: 'Per ward and per fiscal year, kept by a background processor: as fresh as its `updatedThrough`.',
  documents: 'Workbooks and published documents in and out: imports (all or nothing) and exports as .xlsx or CSV.',
  reminders: 'Contacts to remind, and the reminders planned and sent before quarterly deadlines.',
  access: 'Who is signed in and what they may do; how to sign in; per-person API tokens and their grants (administrators only).',
  audit: 'Proof that the event store was not tampered with.',
  operations: 'Health and metrics for load balancers and monitoring: public.',
};

/**
 * The OpenAPI document: requests from the zod schemas the routes validate with, responses,
 * problems and headers from each operation's @Operation, the response schemas by name.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('shinchoku')
    .setDescription(
      '組織目標管理シート: goals, indicators, targets, progress, results and evaluations, as commands over an audited event store.\n\n' +
        'Every error is `application/problem+json` (RFC 9457) with a stable `code`. A sheet’s version is its ETag: send it as `If-Match` to change exactly what you read (412 otherwise), ' +
        'as `If-None-Match` to poll (304 while unchanged). Writes take an `Idempotency-Key` so that a retry changes nothing twice.',
    )
    .setVersion('1')
    .addServer('/', 'This server')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // Two kinds of bearer credential: neither "JWT" nor anything else describes both.
      description:
        'An API token (`shk_…`, opaque) issued by POST /api/v1/tokens or the CLI, or, where OIDC is configured, a JWT from the municipality’s identity provider.',
    })
    .addSecurityRequirements('bearer');
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}_${method}`,
  });
  // Not open source: a name and no URL (package.json says UNLICENSED); redocly.yaml says why.
  document.info.license = { name: 'UNLICENSED: proprietary, all rights reserved' };
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...responseComponents() } };
  return document;
}

/** The document at /openapi.json (and /docs-json, as before), and the interactive /docs. */
export function serveOpenApi(app: INestApplication): void {
  const document = openApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.get('/openapi.json', (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
}
