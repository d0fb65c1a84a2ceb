import { sql } from 'kysely';
import { sessionEnded } from '@shinchoku/database';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// One connection: the statement after the failure gets the pool's only client, or its replacement.
let database: TestDatabase;
beforeAll(async () => (database = await createTestDatabase(1)));
afterAll(() => database.close());

describe('a connection whose session the server ended', () => {
  it('is not handed out again: the next statement gets a new one', async () => {
    const ending = sql`SELECT pg_terminate_backend(pg_backend_pid())`.execute(database.db);
    await expect(ending).rejects.toMatchObject({ code: '57P01' });
    expect(sessionEnded(await ending.catch((error: unknown) => error))).toBe(true);
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('is told apart from a refused statement, after which the session lives on', async () => {
    const refusal = await sql`SELECT 1 / 0`.execute(database.db).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: '22012' });
    expect(sessionEnded(refusal)).toBe(false);
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(database.db);
    expect(rows).toHaveLength(1);
  });
});
