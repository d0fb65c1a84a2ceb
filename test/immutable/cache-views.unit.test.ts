import { KnownTokens } from '@shinchoku/access/application/known-tokens';
import { deepFreeze, frozen, type DeepReadonly } from '@shinchoku/immutable';
import { SheetViewCache, type RenderedSheet } from '@shinchoku/sheets';

/**
 * What a cache hands out is shared by every later reader: changing it is a compile error (each
 * `@ts-expect-error` below fails the typecheck if the write ever compiles) and, as tests run with
 * NODE_ENV=test, a TypeError at run time.
 */
describe('views handed out by caches', () => {
  it('runs with NODE_ENV=test, so that caches freeze what they keep', () => {
    expect(process.env.NODE_ENV).toBe('test');
  });

  it('frozen freezes all the way down and leaves bytes alone', () => {
    const value = frozen({ a: { b: [1, { c: 'x' }] }, bytes: Buffer.from('ab') });
    expect(() => {
      // @ts-expect-error a DeepReadonly property is read-only
      value.a.b[1] = 2;
    }).toThrow(TypeError);
    expect(() => {
      const inner = value.a.b[1] as DeepReadonly<{ c: string }>;
      // @ts-expect-error nested properties are read-only too
      inner.c = 'y';
    }).toThrow(TypeError);
    value.bytes[0] = 0x7a;
    expect(value.bytes.toString()).toBe('zb');
  });

  it('deepFreeze leaves what is already frozen and what is not an object', () => {
    expect(deepFreeze(3)).toBe(3);
    expect(deepFreeze(null)).toBeNull();
    expect(Object.isFrozen(deepFreeze({ a: {} }).a)).toBe(true);
  });

  it('the sheet view cache hands out a view that cannot be changed, hit or miss', async () => {
    const rows = new Map<string, RenderedSheet>([['a', { version: 1, body: Buffer.from('{}') }]]);
    const cache = new SheetViewCache(10, async (id) => rows.get(id), undefined);
    cache.resume();
    const miss = (await cache.read('a'))!;
    const hit = (await cache.read('a'))!;
    expect(hit).toBe(miss);
    expect(() => {
      // @ts-expect-error the view is read-only
      hit.version = 2;
    }).toThrow(TypeError);
    expect((await cache.read('a'))!.version).toBe(1);
  });

  it('the token cache hands out a token whose grants cannot be changed', () => {
    const known = new KnownTokens(10);
    known.resume();
    known.keep('hash', { tokenId: 't', name: 'n', grants: [{ role: 'viewer' }], expiresAt: null }, known.since);
    const token = known.get('hash')!;
    expect(() => {
      // @ts-expect-error a kept grant is read-only
      token.grants[0]!.role = 'admin';
    }).toThrow(TypeError);
    expect(known.get('hash')!.grants).toEqual([{ role: 'viewer' }]);
  });
});
