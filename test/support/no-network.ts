import { Socket } from 'node:net';

/**
 * The unit tier's guard: a unit test that opens a connection (PostgreSQL, Redis, HTTP) fails. The
 * connect throws, and as a client may swallow that and retry, the test fails afterwards as well.
 */
let attempted: string | undefined;

const refusal = (target: string) =>
  new Error(`a unit test opened a connection (${target}); name the file *.test.ts to move it to the int tier`);

Socket.prototype.connect = function refuse(...args: unknown[]): never {
  attempted ??= JSON.stringify(args[0]);
  throw refusal(attempted);
};

/** The connection tried since the last test, forgotten: only the guard's own test takes it. */
export function takeAttempt(): string | undefined {
  const target = attempted;
  attempted = undefined;
  return target;
}

afterEach(() => {
  const target = takeAttempt();
  if (target) throw refusal(target);
});
