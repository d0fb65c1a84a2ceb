import { WrongExpectedVersionError } from '@shinchoku/event-store';
import { AGAIN, CONFLICT_RETRIES, retryOnConflict } from '@shinchoku/sheets/application/conflict-retry';

/** An attempt that answers from `script` in order: a value, AGAIN, or an error to throw. */
function scripted(script: Array<string | typeof AGAIN | Error>) {
  const attempt = jest.fn(async () => {
    const next = script.shift();
    if (next instanceof Error) throw next;
    return next ?? 'done';
  });
  return attempt;
}

const conflict = () => new WrongExpectedVersionError('sheet-x', 3, 4);

describe('retryOnConflict', () => {
  it('answers the first attempt that answers', async () => {
    const attempt = scripted(['first']);
    await expect(retryOnConflict(false, attempt)).resolves.toBe('first');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('tries again on the new state when another writer appended first', async () => {
    const attempt = scripted([conflict(), conflict(), 'third']);
    await expect(retryOnConflict(false, attempt)).resolves.toBe('third');
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it(`gives up after ${CONFLICT_RETRIES} attempts and throws the conflict`, async () => {
    const attempt = scripted(Array.from({ length: CONFLICT_RETRIES }, conflict));
    await expect(retryOnConflict(false, attempt)).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(attempt).toHaveBeenCalledTimes(CONFLICT_RETRIES);
  });

  it('does not retry a client that pinned its version (If-Match): the change is its answer', async () => {
    const attempt = scripted([conflict(), 'never']);
    await expect(retryOnConflict(true, attempt)).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('repeats at once an attempt that decided on stale memory (AGAIN), pinned or not', async () => {
    const attempt = scripted([AGAIN, 'fresh']);
    await expect(retryOnConflict(true, attempt)).resolves.toBe('fresh');
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('lets any other error through untouched', async () => {
    const refused = new Error('refused');
    const attempt = scripted([refused, 'never']);
    await expect(retryOnConflict(false, attempt)).rejects.toBe(refused);
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});
