import { StreamTurns } from '@shinchoku/sheets/application/stream-turns';

/** A promise settled by hand, so a test decides when each piece of work finishes. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { done, open, fail };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('StreamTurns', () => {
  it('starts a stream’s work only once the earlier work has settled', async () => {
    const turns = new StreamTurns();
    const started: string[] = [];
    const first = gate();
    const a = turns.inTurn('s', async () => (started.push('first'), first.done));
    const b = turns.inTurn('s', async () => void started.push('second'));
    await tick();
    expect(started).toEqual(['first']);
    first.open();
    await Promise.all([a, b]);
    expect(started).toEqual(['first', 'second']);
  });

  it('runs the next work after a failure, and hands the failure to its own caller only', async () => {
    const turns = new StreamTurns();
    const failing = turns.inTurn('s', () => Promise.reject(new Error('refused')));
    const next = turns.inTurn('s', () => Promise.resolve('done'));
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('done');
  });

  it('does not make other streams wait', async () => {
    const turns = new StreamTurns();
    const held = gate();
    const slow = turns.inTurn('a', () => held.done);
    await expect(turns.inTurn('b', () => Promise.resolve('b'))).resolves.toBe('b');
    held.open();
    await slow;
  });

  it('keeps nothing for a stream once its work is done', async () => {
    const turns = new StreamTurns();
    const held = gate();
    const work = turns.inTurn('a', () => held.done);
    expect(turns.busy).toBe(1);
    held.fail(new Error('gone'));
    await expect(work).rejects.toThrow('gone');
    await tick();
    expect(turns.busy).toBe(0);
  });
});
