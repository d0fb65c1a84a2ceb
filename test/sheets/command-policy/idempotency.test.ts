import { randomUUID } from 'node:crypto';
import { CommandIdReusedError } from '@shinchoku/event-store';
import { firstAnswer, idempotencyKeyOf } from '@shinchoku/sheets/application/idempotency';
import { useTestStore } from '../../support/test-database';

const ctx = useTestStore(5);
const command = { type: 'RecordProgress', indicatorId: 'i-1', quarter: 1, value: 40, today: '2024-07-05' };
const event = { type: 'ProgressRecorded', data: { indicatorId: 'i-1', quarter: 1, value: 40 } };

describe('an Idempotency-Key', () => {
  it('is none without a key', () => {
    expect(idempotencyKeyOf('u-1', undefined, 's-1', command)).toBeUndefined();
  });

  it('is the actor’s: another actor’s same key is another command id', () => {
    expect(idempotencyKeyOf('u-1', 'k', 's-1', command)!.commandId).not.toBe(idempotencyKeyOf('u-2', 'k', 's-1', command)!.commandId);
  });

  it('fingerprints what was asked, on which stream, but not the date: a retry after midnight is the same command', () => {
    const key = idempotencyKeyOf('u-1', 'k', 's-1', command)!;
    expect(idempotencyKeyOf('u-1', 'k', 's-1', { ...command, today: '2024-07-06' })!.fingerprint).toBe(key.fingerprint);
    expect(idempotencyKeyOf('u-1', 'k', 's-1', { ...command, value: 41 })!.fingerprint).not.toBe(key.fingerprint);
    expect(idempotencyKeyOf('u-1', 'k', 's-2', command)!.fingerprint).not.toBe(key.fingerprint);
  });
});

describe('firstAnswer', () => {
  const appendWith = (stream: string, key: ReturnType<typeof idempotencyKeyOf>) =>
    ctx.store.append(stream, 0, [event], { actor: { id: 'u-1', name: 'テスト' }, source: 'test', ...key });

  it('replays the first run’s version, with nothing appended', async () => {
    const stream = `sheet-${randomUUID()}`;
    const key = idempotencyKeyOf('u-1', randomUUID(), stream, command);
    const first = await appendWith(stream, key);
    expect(await firstAnswer(ctx.store, key)).toEqual({ version: first.toVersion, appended: 0 });
  });

  it('has nothing for a key never used, or no key', async () => {
    expect(await firstAnswer(ctx.store, idempotencyKeyOf('u-1', randomUUID(), 's-1', command))).toBeUndefined();
    expect(await firstAnswer(ctx.store, undefined)).toBeUndefined();
  });

  it('refuses a key used before for another command', async () => {
    const stream = `sheet-${randomUUID()}`;
    const used = randomUUID();
    await appendWith(stream, idempotencyKeyOf('u-1', used, stream, command));
    const other = idempotencyKeyOf('u-1', used, stream, { ...command, value: 41 });
    await expect(firstAnswer(ctx.store, other)).rejects.toBeInstanceOf(CommandIdReusedError);
  });
});
