import { Socket } from 'node:net';

/**
 * The unit tier's guard: a unit test that opens a connection (PostgreSQL, Redis, HTTP) fails. The
 * connect throws, and as a client may swallow that and retry, the test fails afterwards as well.
 */
let attempted: string | undefined;

Socket.prototype.connect = function refuse(...args: unknown[]): never {
  attempted ??= JSON.stringify(args[0]);
  throw new Error(`a unit test opened a connection (${attempted}); name the file *.test.ts to move it to the int tier`);
};

afterEach(() => {
  const target = attempted;
  attempted = undefined;
  if (target) throw new Error(`a unit test opened a connection (${target}); name the file *.test.ts to move it to the int tier`);
});
