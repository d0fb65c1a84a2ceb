import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { migrateToLatest } from '../../db/migrate';
import { ADMIN_DATABASE_URL, databaseUrl, templateDatabase } from './services';

/** Creates this run's migrated template database; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  process.env.SHINCHOKU_TEST_RUN ??= `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect().catch((error: Error) => {
    throw new Error(`tests need PostgreSQL at ${ADMIN_DATABASE_URL} (set TEST_ADMIN_DATABASE_URL): ${error.message}`);
  });
  try {
    await admin.query(`CREATE DATABASE ${templateDatabase()}`);
  } finally {
    await admin.end();
  }
  const pool = new Pool({ connectionString: databaseUrl(templateDatabase()), max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db);
  await db.destroy();
}
