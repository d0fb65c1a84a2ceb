import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DatabaseHandle, openDatabase } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { ADMIN_DATABASE_URL, databaseUrl, runId, templateDatabase } from './services';

export interface TestDatabase extends DatabaseHandle {
  url: string;
  name: string;
}

/** A fresh, migrated database of its own for one test file (a clone of the run's template). */
export async function createTestDatabase(poolSize = 40): Promise<TestDatabase> {
  const name = `${runId()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase()}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  return { ...openDatabase({ url, poolSize }), url, name };
}

/** A queue prefix no other run or file shares. */
export function uniquePrefix(): string {
  return `${runId()}_${randomBytes(3).toString('hex')}`;
}

/** A database and an event store over it for the tests of one file (created before, closed after). */
export function useTestStore(poolSize = 40): { readonly database: TestDatabase; readonly store: EventStore } {
  const context = {} as { database: TestDatabase; store: EventStore };
  beforeAll(async () => {
    context.database = await createTestDatabase(poolSize);
    context.store = new EventStore(context.database.db);
  });
  afterAll(() => context.database.close());
  return context;
}
