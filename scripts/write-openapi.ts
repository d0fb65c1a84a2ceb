import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Resources } from '@shinchoku/runtime';
import type { ShinchokuConfig } from '@shinchoku/system';
import { AppModule } from '../apps/shinchoku/src/app.module';
import { openApiDocument } from '../apps/api/src/openapi';

/**
 * Writes the OpenAPI document the API serves at /openapi.json, without a database: Nest's preview
 * mode scans the modules and their routes but creates no provider, so nothing is connected.
 */
async function main(out: string): Promise<void> {
  const unopened = { database: {} } as Resources<ShinchokuConfig>;
  const app = await NestFactory.create(
    AppModule.for(unopened, { api: { adminToken: 'unused-for-the-document' }, worker: false }),
    new FastifyAdapter(),
    {
      preview: true,
      logger: false,
    },
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
}

void main(process.argv[2] ?? 'dist/openapi.json');
