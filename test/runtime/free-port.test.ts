import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort, PORT_CLAIMS } from '../support/free-port';

describe('freePort', () => {
  it('never hands the same port twice in one process, even after it was released unused', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 300; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('skips a port something listens on', async () => {
    const taken = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(taken + 1, '127.0.0.1', resolve));
    try {
      const after = await freePort();
      expect(after).not.toBe(taken + 1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('skips a port another process claimed, and takes over a claim hours old (its process is gone)', async () => {
    const taken = await freePort();
    const others = join(PORT_CLAIMS, String(taken + 1));
    writeFileSync(others, '');
    try {
      expect(await freePort()).not.toBe(taken + 1);
    } finally {
      rmSync(others);
    }

    const before = await freePort();
    const stale = join(PORT_CLAIMS, String(before + 1));
    writeFileSync(stale, '');
    const hoursAgo = new Date(Date.now() - 3 * 60 * 60 * 1000);
    utimesSync(stale, hoursAgo, hoursAgo);
    expect(await freePort()).toBe(before + 1);
  });
});
