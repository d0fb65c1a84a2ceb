import { sql } from 'kysely';
import { useTestStore } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

// One connection, so the statements the appends prepared are the ones this session lists.
const ctx = useTestStore(1);

describe('the append statement', () => {
  it('is prepared once per connection and then runs on a cached generic plan, with or without an inline write', async () => {
    const id = streamId();
    for (let version = 0; version < 8; version++) {
      await ctx.store.append(id, version, [progress(version)], tester);
      await ctx.store.append(streamId(), 0, [progress(version)], tester, { write: sql`${version}::integer` });
    }
    const { rows } = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
      SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY statement`.execute(ctx.database.db);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.statement).toContain('append_events(');
      // Postgres plans a prepared statement for its first five runs, then keeps a generic plan when it costs no more.
      expect(Number(row.custom_plans)).toBe(5);
      expect(Number(row.generic_plans)).toBe(3);
    }
  });
});
