import { sql } from 'kysely';
import { allSheets, eventCount, ImportContext, importer, openImporter, SEED_000, seedFile } from '../support/documents';

let context: ImportContext & { close(): Promise<void> };
beforeAll(async () => {
  context = await openImporter();
});
afterAll(() => context.close());

/**
 * Makes the append that touches the `nth` stream head of any transaction from now on fail: either
 * the database loses the importing connection (its backend is terminated) or the statement is refused.
 */
async function failAt(nth: number, how: 'terminate' | 'refuse'): Promise<void> {
  const failure =
    how === 'terminate'
      ? sql.raw('PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5);')
      : sql.raw("RAISE EXCEPTION 'refused by the test';");
  await sql`CREATE SEQUENCE IF NOT EXISTS test_heads`.execute(context.database.db);
  await sql`SELECT setval('test_heads', 1, false)`.execute(context.database.db);
  await sql`
    CREATE OR REPLACE FUNCTION test_fail_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('test_heads') = ${sql.lit(nth)} THEN ${failure} END IF;
      RETURN NEW;
    END $$`.execute(context.database.db);
  await sql`CREATE OR REPLACE TRIGGER test_fail_at BEFORE INSERT ON streams FOR EACH ROW EXECUTE FUNCTION test_fail_at()`.execute(
    context.database.db,
  );
}

const heads = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM streams`.execute(context.database.db)).rows[0]!.n);

describe('an import that fails half-way leaves no sheet of the upload changed', () => {
  afterEach(() => sql`DROP TRIGGER IF EXISTS test_fail_at ON streams`.execute(context.database.db));

  it.each([
    ['the database loses the importing connection at the fifth sheet', 'terminate'],
    ['the fifth sheet’s append is refused', 'refuse'],
  ] as const)('%s', async (_, how) => {
    await failAt(5, how);
    await expect(context.importer.import(SEED_000, seedFile(SEED_000), importer)).rejects.toThrow();
    expect(await eventCount(context)).toBe(0);
    expect(await heads()).toBe(0);
    expect((await allSheets(context)).size).toBe(0);
  });

  it('imports the same file whole once the failure is gone', async () => {
    expect(await context.importer.import(SEED_000, seedFile(SEED_000), importer)).toMatchObject({ sheets: 10, events: 130 });
    expect((await allSheets(context)).size).toBe(10);
    expect(await heads()).toBe(10);
  });
});
