import { chmodSync, closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports below the kernel's ephemeral range (32768– on Linux), which it never hands to a connection
 * or to listen(0) on its own, so a port found free here stays free until the test listens on it.
 */
const FIRST = 10_000;
const LAST = 32_767;
/** Each process starts at its own place in the range, so concurrent runs rarely probe the same ports. */
let next = FIRST + ((process.pid * 7_919) % (LAST - FIRST + 1));

/**
 * A port handed out is claimed machine-wide by a file here until its test file ends (see
 * releasePorts): a CLI process may take many seconds to listen on the port it was given, and
 * meanwhile another jest worker, or another run of the suite, would find the same port free. A
 * claim left by a killed run counts for STALE_MS at most.
 */
export const PORT_CLAIMS = join(tmpdir(), 'shinchoku-test-ports');
const STALE_MS = 2 * 60 * 60 * 1000;
const claimed: string[] = [];

function claim(port: number): boolean {
  const file = join(PORT_CLAIMS, String(port));
  try {
    closeSync(openSync(file, 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const since = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    if (since !== undefined && Date.now() - since < STALE_MS) return false;
    rmSync(file, { force: true });
    return claim(port);
  }
  claimed.push(file);
  return true;
}

function claims(): void {
  mkdirSync(PORT_CLAIMS, { recursive: true });
  // Shared by every user's runs, like /tmp itself: anyone may claim, only the claimant removes.
  if ((statSync(PORT_CLAIMS).mode & 0o1777) !== 0o1777) chmodSync(PORT_CLAIMS, 0o1777);
}

/** Gives up this test file's claims: what used its ports has stopped (test/support/port-claims.ts). */
export function releasePorts(): void {
  for (const file of claimed.splice(0)) rmSync(file, { force: true });
}

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A port nothing listens on, never the same twice in one process: each call moves on, so two ports
 * asked for one after the other (PORT and EMBEDDED_PG_PORT) differ even before either is used; nor
 * one another process on this machine holds a claim on.
 */
export async function freePort(): Promise<number> {
  claims();
  for (let tried = 0; tried <= LAST - FIRST; tried++) {
    const port = next;
    next = port === LAST ? FIRST : port + 1;
    if ((await bindable(port)) && claim(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST}`);
}
