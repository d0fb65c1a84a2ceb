import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StartupError } from '@shinchoku/config';
import { Resources, resolveAdminToken } from '@shinchoku/runtime';
import { openResources, type ShinchokuConfig } from '@shinchoku/system';
import { createHttpApplication } from '../../api/src/http-application';
import { AppModule } from './app.module';
import { loadDemo } from './documents';

export interface Roles {
  api: boolean;
  worker: boolean;
}

/**
 * Starts shinchoku and keeps it running until SIGINT/SIGTERM, then stops it in order:
 * HTTP and workers first (finishing what is in flight), then queues and the pool, then the
 * embedded database last, so nothing accepted is lost. A second signal forces the exit.
 */
export async function start(config: ShinchokuConfig, roles: Roles, logger: LoggerService, options: { demo?: boolean } = {}): Promise<void> {
  let app: INestApplicationContext | undefined;
  let resources: Resources<ShinchokuConfig> | undefined;
  let stopping: Promise<void> | undefined;

  const stop = (exitCode: number, why: string) =>
    (stopping ??= (async () => {
      logger.log(`shutting down (${why})`);
      try {
        await app?.close();
        await resources?.close();
      } catch (error) {
        logger.error(`shutdown was not clean: ${(error as Error).message}`);
        exitCode ||= 1;
      }
      process.exit(exitCode);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        logger.warn(`${signal} again: exiting now`);
        process.exit(130);
      }
      void stop(0, signal);
    });
  }

  const adminToken = roles.api ? resolveAdminToken(config, logger) : undefined;
  resources = await openResources(config, { logger, onFatal: (reason) => void stop(1, reason) });
  if (options.demo) {
    await loadDemo(resources, logger).catch(async (error: unknown) => {
      await resources?.close();
      throw error;
    });
  }
  const module = AppModule.for(resources, { api: adminToken ? { adminToken } : false, worker: roles.worker });
  try {
    if (roles.api) {
      const http = await createHttpApplication(module, logger, config.http);
      app = http;
      await http.listen(config.port, config.host).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE' ? new StartupError(`port ${config.port} is already in use; set PORT to a free port`) : error;
      });
      logger.log(`API listening on http://${config.host}:${config.port}`);
    } else {
      app = await NestFactory.createApplicationContext(module, { logger, abortOnError: false });
      await app.init();
    }
  } catch (error) {
    await app?.close().catch(() => undefined);
    await resources.close();
    throw error;
  }
  logger.log(
    `shinchoku running: ${[roles.api && 'api', roles.worker && 'worker'].filter(Boolean).join(' + ')}; ` +
      `database ${config.databaseUrl ? 'external' : 'embedded'}, queue on ${resources.queues.backend}`,
  );
}
