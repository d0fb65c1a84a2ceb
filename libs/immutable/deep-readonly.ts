/**
 * What a cache hands out is shared by every reader: `DeepReadonly` makes writing to it a compile
 * error, and `frozen` makes it a TypeError in tests. Bytes (a Buffer) cannot be frozen or typed
 * read-only; they stay as they are.
 */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ArrayBufferView
    ? T
    : T extends ReadonlyMap<infer K, infer V>
      ? ReadonlyMap<DeepReadonly<K>, DeepReadonly<V>>
      : T extends ReadonlySet<infer V>
        ? ReadonlySet<DeepReadonly<V>>
        : T extends object
          ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
          : T;

/** Jest sets NODE_ENV=test; in production freezing would only cost time. */
const FREEZE = process.env.NODE_ENV === 'test';

/**
 * The value as a cache keeps and hands it out: frozen all the way down in tests, untouched otherwise.
 * It may already be typed read-only (a state folded from read-only states): `frozen<State>(state)`.
 */
export function frozen<T>(value: T | DeepReadonly<T>): DeepReadonly<T> {
  if (FREEZE) deepFreeze(value);
  return value as DeepReadonly<T>;
}

/** Object.freeze on the value and everything in it (bytes aside, which cannot be frozen). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return value;
}
