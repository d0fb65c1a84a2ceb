import { sql } from 'kysely';
import { databaseUnavailable, openDatabase, unbounded } from '@shinchoku/database';
import { useTestStore } from '../support/test-database';

/** The serving bounds on one connection, what lifts them, and how their failures are told apart from a request's. */
const context = useTestStore(2);
const sleep = (seconds: number) => sql`SELECT pg_sleep(${seconds})`;

describe('database bounds', () => {
  it('cancels a long statement as a timeout, except inside `unbounded`, and bounds the connection again after it', async () => {
    const handle = openDatabase({
      url: context.database.url,
      poolSize: 1,
      timeouts: { statementMs: 200, lockMs: 100, idleInTransactionMs: 0, poolWaitMs: 1_000 },
    });
    try {
      const cancelled = await sleep(0.5)
        .execute(handle.db)
        .catch((error: unknown) => error);
      expect(databaseUnavailable(cancelled)?.kind).toBe('timeout');
      await expect(unbounded(handle.db, (trx) => sleep(0.5).execute(trx))).resolves.toBeDefined();
      // The same (only) connection: the lifted bound ended with its transaction.
      expect(
        databaseUnavailable(
          await sleep(0.5)
            .execute(handle.db)
            .catch((error: unknown) => error),
        )?.kind,
      ).toBe('timeout');
    } finally {
      await handle.close();
    }
  });

  it('tells faults of the database from errors of the request', () => {
    const faults: Array<[unknown, string]> = [
      [{ code: '55P03' }, 'locked'],
      [{ code: '57P01' }, 'unreachable'],
      [{ code: '08006' }, 'unreachable'],
      [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'unreachable'],
      [new Error('timeout exceeded when trying to connect'), 'unreachable'],
      [new Error('Query read timeout'), 'timeout'],
      [new Error('wrapped', { cause: new Error('Connection terminated unexpectedly') }), 'unreachable'],
    ];
    for (const [error, kind] of faults) expect(databaseUnavailable(error)?.kind).toBe(kind);
    for (const error of [{ code: '23505' }, { code: 'SK409' }, new Error('boom'), undefined])
      expect(databaseUnavailable(error)).toBeUndefined();
  });
});
