import { sql } from 'kysely';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { answering, freePort, runShinchoku, stop, budgetFor } from '../support/app-process';
import { createTestDatabase, uniquePrefix } from '../support/test-database';
import { ADMIN_DATABASE_URL, TEST_REDIS_URL, databaseUrl, runId } from '../support/services';
import { progress, tester } from '../support/events';

// Tests here run the built CLI (the migrate test runs three): see budgetFor.
jest.setTimeout(budgetFor(3));

const ADMIN_TOKEN = 'external-mode-token-0123456789';

/** Production shape: the machine's PostgreSQL and Redis, through DATABASE_URL and REDIS_URL. */
describe('external PostgreSQL and Redis', () => {
  it('runs API and worker on them and reports Redis as the queue', async () => {
    const database = await createTestDatabase(2);
    try {
      const app = runShinchoku(['start'], {
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: uniquePrefix(),
        PORT: String(await freePort()),
        ADMIN_TOKEN,
      });
      expect(await answering(app)).toMatchObject({
        status: 200,
        body: { status: 'ok', checks: { database: { status: 'up' }, queue: { status: 'up', backend: 'redis' } } },
      });
      expect(app.output()).toContain('database external, queue on redis');
      const created = await fetch(`http://127.0.0.1:${app.port}/api/v1/sheets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fiscalYear: 2024, department: '西区', unit: '総務課' }),
      });
      expect(created.status).toBe(201);
      expect(app.output()).not.toContain(ADMIN_TOKEN);
      expect(await stop(app)).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('answers 200 degraded and names the queue when Redis cannot be reached: the API still serves', async () => {
    const database = await createTestDatabase(2);
    try {
      const app = runShinchoku(['start', '--api'], {
        DATABASE_URL: database.url,
        ADMIN_TOKEN,
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        QUEUE_PREFIX: uniquePrefix(),
        PORT: String(await freePort()),
      });
      expect(await answering(app)).toMatchObject({
        status: 200,
        body: { status: 'degraded', checks: { database: { status: 'up' }, queue: { status: 'down', backend: 'redis' } } },
      });
      expect(await stop(app)).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('refuses to serve HTTP on an external database without ADMIN_TOKEN', async () => {
    const database = await createTestDatabase(1);
    try {
      const app = runShinchoku(['start', '--api'], { DATABASE_URL: database.url, PORT: String(await freePort()) });
      expect(await app.exited).toBe(78);
      expect(app.output()).toContain('set ADMIN_TOKEN');
    } finally {
      await database.close();
    }
  });

  it('migrates an empty database with the migrate command, and verify reports on the chains', async () => {
    const name = `${runId()}_cli_${randomBytes(3).toString('hex')}`;
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const env = { DATABASE_URL: databaseUrl(name) };

    const migrate = runShinchoku(['migrate'], env);
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toContain('applied migrations: 0001_event_store, 0002_sheets, 0003_summaries');

    const database = openDatabase({ url: databaseUrl(name), poolSize: 2 });
    try {
      await new EventStore(database.db).append('sheet-cli', 0, [progress(1), progress(2)], tester);
      const verify = runShinchoku(['verify'], env);
      expect(await verify.exited).toBe(0);
      expect(JSON.parse(verify.output().slice(verify.output().indexOf('{')))).toEqual({
        ok: true,
        streams: 1,
        events: 2,
        broken: [],
      });

      await database.db.connection().execute(async (session) => {
        await sql`SET session_replication_role = replica`.execute(session);
        await sql`UPDATE events SET data = '{}' WHERE stream_version = 2`.execute(session);
      });
      const tampered = runShinchoku(['verify'], env);
      expect(await tampered.exited).toBe(2);
      expect(tampered.output()).toContain('"problem": "contentChanged"');
    } finally {
      await database.close();
    }
  });
});
