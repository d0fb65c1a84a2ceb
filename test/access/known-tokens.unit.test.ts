import { KnownTokens, type KnownToken } from '@shinchoku/access/application/known-tokens';

const token = (tokenId: string): KnownToken => ({ tokenId, name: '山田 花子', grants: [{ role: 'viewer' }], expiresAt: null });

describe('the tokens a process keeps', () => {
  it('serves nothing until told every revocation will be reported, and nothing once that stops', () => {
    const known = new KnownTokens(10);
    known.keep('h1', token('t1'), known.since);
    expect(known.get('h1')).toBeUndefined();
    known.resume();
    known.keep('h1', token('t1'), known.since);
    expect(known.get('h1')).toEqual(token('t1'));
    known.suspend();
    expect(known.get('h1')).toBeUndefined();
    known.resume();
    expect(known.get('h1')).toBeUndefined();
  });

  it('does not keep what a lookup found when a revocation arrived while it was under way', () => {
    const known = new KnownTokens(10);
    known.resume();
    const since = known.since;
    known.changed('t2');
    known.keep('h1', token('t1'), since);
    expect(known.get('h1')).toBeUndefined();
    known.keep('h1', token('t1'), known.since);
    known.changed('t1');
    expect(known.get('h1')).toBeUndefined();
    expect(known.tokenIds()).toEqual([]);
  });

  it('answers a revocation once it is announced, or after its bound, and forgets the wait either way', async () => {
    const known = new KnownTokens(10);
    known.resume();
    const announced = known.heard('t1', 60_000);
    known.changed('t1');
    await announced;
    await known.heard('t2', 1);
    expect((known as unknown as { waiting: Map<string, unknown> }).waiting.size).toBe(0);
  });
});
