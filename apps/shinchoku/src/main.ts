import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { StartupError, loadConfig } from '@shinchoku/config';
import { verifyEventChains } from '@shinchoku/event-store';
import { openResources } from '@shinchoku/runtime';
import { createLogger } from './logger';
import { REBUILDABLE, rebuild } from './rebuild';
import { start } from './start';

const USAGE = `usage: shinchoku [command]
  start [--api | --worker]   run the API and the worker (default: both in this process)
  migrate                    apply pending database migrations and exit
  verify                     check every stream's hash chain; exit 2 if any is broken
  rebuild <name|all>         rebuild projections from zero: ${REBUILDABLE.join(', ')}`;

async function main(argv: string[]): Promise<number | undefined> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { api: { type: 'boolean' }, worker: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 64;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'start';
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  switch (command) {
    case 'start': {
      const both = !values.api && !values.worker;
      await start(config, { api: both || !!values.api, worker: both || !!values.worker }, logger);
      return undefined;
    }
    case 'migrate': {
      const resources = await openResources(config, { logger });
      await resources.close();
      logger.log('database is up to date');
      return 0;
    }
    case 'verify': {
      const resources = await openResources(config, { logger });
      try {
        const report = await verifyEventChains(resources.database.db);
        console.log(JSON.stringify(report, null, 2));
        return report.ok ? 0 : 2;
      } finally {
        await resources.close();
      }
    }
    case 'rebuild': {
      const target = positionals[1];
      const names = target === 'all' ? REBUILDABLE : REBUILDABLE.filter((name) => name === target);
      if (names.length === 0) {
        console.error(`rebuild what? one of: ${REBUILDABLE.join(', ')}, or all\n${USAGE}`);
        return 64;
      }
      const resources = await openResources(config, { logger });
      try {
        await rebuild(resources, names, logger);
        return 0;
      } finally {
        await resources.close();
      }
    }
    default:
      console.error(`unknown command '${command}'\n${USAGE}`);
      return 64;
  }
}

main(process.argv.slice(2)).then(
  (code) => code !== undefined && process.exit(code),
  (error: unknown) => {
    if (error instanceof StartupError) {
      console.error(`shinchoku cannot start: ${error.message}`);
      process.exit(78);
    }
    console.error(error);
    process.exit(1);
  },
);
