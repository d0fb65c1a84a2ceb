import { randomUUID } from 'node:crypto';
import { VersionMismatch } from '@shinchoku/sheets/application/command-errors';
import { checkIfMatch } from '@shinchoku/sheets/application/if-match';
import { useTestStore } from '../../support/test-database';

/** checkIfMatch on a stream stored in PostgreSQL: changing events (Changed) and ones that change nothing (Noted). */
const ctx = useTestStore(5);
const UNCHANGING = new Set(['Noted']);
const actor = { id: 'u-1', name: 'テスト' };

/** A stream of the given event types, in order; its id. */
async function streamOf(...types: string[]): Promise<string> {
  const stream = `sheet-${randomUUID()}`;
  await ctx.store.append(
    stream,
    0,
    types.map((type) => ({ type, data: {} })),
    { actor, source: 'test' },
  );
  return stream;
}

const check = (stream: string, seen: number, version: number) => checkIfMatch(ctx.store, stream, UNCHANGING, seen, version);

describe('checkIfMatch', () => {
  it('holds for the current version', async () => {
    expect(await check(await streamOf('Changed', 'Changed'), 2, 2)).toBeUndefined();
  });

  it('holds across events since the version seen that change nothing', async () => {
    expect(await check(await streamOf('Changed', 'Noted', 'Noted'), 1, 3)).toBeUndefined();
  });

  it('fails when anything since changed the state, with both versions', async () => {
    const mismatch = await check(await streamOf('Changed', 'Noted', 'Changed', 'Noted'), 1, 4);
    expect(mismatch).toBeInstanceOf(VersionMismatch);
    expect(mismatch).toMatchObject({ expectedVersion: 1, actualVersion: 4 });
  });

  it('fails for a version the stream never had, ahead or below 1', async () => {
    const stream = await streamOf('Changed', 'Noted');
    expect(await check(stream, 5, 2)).toBeInstanceOf(VersionMismatch);
    expect(await check(stream, 0, 2)).toBeInstanceOf(VersionMismatch);
  });

  it('fails across events that change nothing when the aggregate names none', async () => {
    const stream = await streamOf('Changed', 'Noted');
    expect(await checkIfMatch(ctx.store, stream, undefined, 1, 2)).toBeInstanceOf(VersionMismatch);
  });
});
