import type { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { Migrator } from 'kysely';
import { migrations } from './migrations';

export interface MigrationOutcome {
  applied: string[];
}

/** Applies every pending migration; Kysely's Migrator takes a lock so concurrent starts are safe. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
