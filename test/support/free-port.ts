import { createServer } from 'node:net';

/**
 * Ports below the kernel's ephemeral range (32768– on Linux), which it never hands to a connection
 * or to listen(0) on its own, so a port found free here stays free until the test listens on it.
 */
const FIRST = 10_000;
const LAST = 32_767;
/** Each process starts at its own place in the range, so concurrent runs rarely probe the same ports. */
let next = FIRST + ((process.pid * 7_919) % (LAST - FIRST + 1));

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A port nothing listens on, never the same twice in one process: each call moves on, so two ports
 * asked for one after the other (PORT and EMBEDDED_PG_PORT) differ even before either is used.
 */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried <= LAST - FIRST; tried++) {
    const port = next;
    next = port === LAST ? FIRST : port + 1;
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST}`);
}
