#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { StartupError } from '@shinchoku/config';
import { verifyEventChains } from '@shinchoku/event-store';
import { systemClock } from '@shinchoku/runtime';
import { loadConfig, openResources } from '@shinchoku/system';
import { AccessTokens } from '@shinchoku/access';
import { exportDocument, importFiles } from './documents';
import { createLogger } from './logger';
import { REBUILDABLE, rebuildInLanes, rebuildLanes } from './rebuild';
import { start } from './start';
import { tokenCommand } from './tokens';

const USAGE = `usage: shinchoku [command]
  start [--api | --worker] [--demo]
                             run the API and the worker (default: both in this process);
                             --demo loads the two seed documents (西区 R6, 東区 R2) on the first start
  migrate                    apply pending database migrations and exit
  verify                     check every stream's hash chain; exit 2 if any is broken
  rebuild <name…|all>        rebuild projections from zero: ${REBUILDABLE.join(', ')}; independent ones
                             (current state, summaries) at once, each in a process of its own
  import [--force] [--dry-run] <file>…
                             import published documents (.txt) or workbooks (.xlsx); each file whole or
                             not at all, again changes nothing; exit 65 if a file cannot be read whole or
                             a workbook changes cells changed since its export (--force overwrites them,
                             recorded on the events; --dry-run reports and writes nothing)
  export --sheet <id> | --ward <department> --year <fiscal year> [--format xlsx|csv] [--output <file>]
                             a sheet, or a department's year (one worksheet per unit plus the ward page)
  token create --name <person> --grant <role[:department[/unit]]>... [--expires <ISO date>]
                             issue an API token (shown once); without --expires it lasts as
                             TOKEN_DEFAULT_EXPIRY says (default: to the end of the fiscal year, 31 March)
  token list                 every token with its last use, without the tokens themselves
  token revoke <tokenId>     refuse the token from the next request on
  token revoke --department <name>
                             revoke every token holding a grant in the department (人事異動)
                             ('tokens' works the same as 'token')`;

async function main(argv: string[]): Promise<number | undefined> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        api: { type: 'boolean' },
        worker: { type: 'boolean' },
        demo: { type: 'boolean' },
        sheet: { type: 'string' },
        ward: { type: 'string' },
        year: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        name: { type: 'string' },
        grant: { type: 'string', multiple: true },
        expires: { type: 'string' },
        department: { type: 'string' },
        force: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
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
      await start(config, { api: both || !!values.api, worker: both || !!values.worker }, logger, { demo: !!values.demo });
      return undefined;
    }
    case 'migrate': {
      const resources = await openResources(config, { logger, job: true });
      await resources.close();
      logger.log('database is up to date');
      return 0;
    }
    case 'verify': {
      const resources = await openResources(config, { logger, job: true });
      try {
        const report = await verifyEventChains(resources.database.db);
        console.log(JSON.stringify(report, null, 2));
        return report.ok ? 0 : 2;
      } finally {
        await resources.close();
      }
    }
    case 'rebuild': {
      const targets = positionals.slice(1);
      const unknown = targets.filter((target) => target !== 'all' && !REBUILDABLE.includes(target));
      if (targets.length === 0 || unknown.length > 0) {
        console.error(`rebuild what? one or more of: ${REBUILDABLE.join(', ')}, or all\n${USAGE}`);
        return 64;
      }
      const resources = await openResources(config, { logger, job: true });
      try {
        await rebuildInLanes(resources, rebuildLanes(targets.includes('all') ? REBUILDABLE : targets), logger);
        return 0;
      } finally {
        await resources.close();
      }
    }
    case 'import': {
      const files = positionals.slice(1);
      if (files.length === 0) {
        console.error(`import what? name one or more files\n${USAGE}`);
        return 64;
      }
      const resources = await openResources(config, { logger, job: true });
      try {
        return await importFiles(resources, files, { force: values.force ?? false, dryRun: values['dry-run'] ?? false });
      } finally {
        await resources.close();
      }
    }
    case 'export': {
      const format = values.format ?? 'xlsx';
      const year = values.year === undefined ? undefined : Number(values.year);
      const valid = (format === 'xlsx' || format === 'csv') && (values.sheet ? !values.ward : !!values.ward && Number.isInteger(year));
      if (!valid) {
        console.error(
          `export needs --sheet <id>, or --ward <department> with --year <fiscal year such as 2024>; --format xlsx or csv\n${USAGE}`,
        );
        return 64;
      }
      const resources = await openResources(config, { logger, job: true });
      try {
        return await exportDocument(resources, {
          format,
          ...(values.sheet && { sheet: values.sheet }),
          ...(values.ward && { ward: values.ward, year: year! }),
          ...(values.output && { output: values.output }),
        });
      } finally {
        await resources.close();
      }
    }
    case 'token':
    case 'tokens': {
      const run = tokenCommand(positionals.slice(1), values);
      if (typeof run === 'string') {
        console.error(`${run}\n${USAGE}`);
        return 64;
      }
      const resources = await openResources(config, { logger, job: true });
      try {
        return await run(new AccessTokens(resources.database.db, resources.store, systemClock, config.tokenDefaultExpiry));
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
