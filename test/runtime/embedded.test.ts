import { createServer, Server } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EventStore } from '@shinchoku/event-store';
import { openDatabase } from '@shinchoku/database';
import {
  AppProcess,
  answering,
  embeddedUrl,
  freePort,
  isAlive,
  postmasterPid,
  runShinchoku,
  scratchDir,
  stop,
  budgetFor,
} from '../support/app-process';
import { progress, tester } from '../support/events';

// Tests here run the built CLI (two starts at most per test, each with the embedded server's): see budgetFor.
jest.setTimeout(budgetFor(2));

/**
 * The embedded default end to end, as a newcomer runs it: no DATABASE_URL, no REDIS_URL.
 * One data folder serves the whole sequence, as it would across a user's restarts.
 */
describe('embedded default', () => {
  const dataDir = scratchDir('embedded');
  let env: Record<string, string>;
  let pgPort: number;
  const running: AppProcess[] = [];

  const start = (extra: Record<string, string> = {}) => {
    const app = runShinchoku(['start'], { ...env, ...extra });
    running.push(app);
    return app;
  };

  beforeAll(async () => {
    pgPort = await freePort();
    env = { SHINCHOKU_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), PORT: String(await freePort()) };
  });
  afterAll(async () => {
    for (const app of running) if (app.child.exitCode === null) await stop(app, 'SIGKILL');
    const orphan = postmasterPid(dataDir);
    if (orphan && isAlive(orphan)) process.kill(orphan, 'SIGQUIT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const withStore = async <T>(use: (store: EventStore) => Promise<T>): Promise<T> => {
    const database = openDatabase({ url: embeddedUrl(dataDir, pgPort), poolSize: 2 });
    try {
      return await use(new EventStore(database.db));
    } finally {
      await database.close();
    }
  };

  it('starts embedded Postgres, migrates, and reports healthy with BullMQ on Postgres', async () => {
    const app = start();
    const answer = await answering(app);
    expect(answer).toEqual({
      status: 200,
      body: {
        status: 'ok',
        checks: {
          database: { status: 'up', latencyMs: expect.any(Number) },
          queue: { status: 'up', backend: 'postgres', latencyMs: expect.any(Number) },
        },
      },
    });
    expect(app.output()).toContain('applied migrations: 0001_event_store, 0002_sheets, 0003_summaries');
    await withStore((store) => store.append('test-embedded', 0, [progress(48)], tester));

    // The generated admin token is kept, the log says where (never the token itself), and it opens the API.
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect(app.output()).toContain(`bootstrap admin token: in ${join(dataDir, 'admin-token')}`);
    expect(app.output()).not.toContain(token);
    const created = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/sheets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fiscalYear: 2024, department: '西区', unit: '地域課' }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`http://127.0.0.1:${env.PORT}/docs`)).status).toBe(200);

    expect(await stop(app)).toBe(0);
    expect(app.output()).toContain('shutting down (SIGTERM)');
    const pid = postmasterPid(dataDir);
    expect(pid === undefined || !isAlive(pid)).toBe(true);
  });

  it('finds the data again on the next start', async () => {
    const app = start();
    expect((await answering(app)).status).toBe(200);
    expect(app.output()).not.toContain('creating the embedded PostgreSQL cluster');
    const events = await withStore((store) => store.readStream('test-embedded'));
    expect(events.map((e) => e.data)).toEqual([progress(48).data]);
    expect(await stop(app, 'SIGINT')).toBe(0);
  });

  it('explains a busy HTTP port instead of printing a stack trace, and leaves no server behind', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const app = start({ PORT: String(port) });
      expect(await app.exited).toBe(78);
      expect(app.output()).toContain(`port ${port} is already in use; set PORT`);
      expect(app.output()).not.toMatch(/^\s+at /m);
      const pid = postmasterPid(dataDir);
      expect(pid === undefined || !isAlive(pid)).toBe(true);
    } finally {
      blocker.close();
    }
  });

  it('explains a busy embedded Postgres port', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const app = start({ EMBEDDED_PG_PORT: String(port) });
      expect(await app.exited).toBe(78);
      expect(app.output()).toContain(`port ${port} for the embedded PostgreSQL is already in use; set EMBEDDED_PG_PORT`);
    } finally {
      blocker.close();
    }
  });

  it('refuses a second shinchoku on the same data folder, with a clear message', async () => {
    const first = start();
    await answering(first);
    const second = start({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) });
    expect(await second.exited).toBe(78);
    expect(second.output()).toContain('is in use by another shinchoku');
    expect((await answering(first)).status).toBe(200);
    expect(await stop(first)).toBe(0);
  });

  it('recovers from a killed run: stops the orphaned server and keeps the data', async () => {
    const killed = start();
    await answering(killed);
    await withStore((store) => store.append('test-embedded', 1, [progress(52, 2)], tester));
    expect(await stop(killed, 'SIGKILL')).toBeNull();
    const orphan = postmasterPid(dataDir);
    expect(orphan && isAlive(orphan)).toBe(true);

    const next = start();
    expect((await answering(next)).status).toBe(200);
    expect(next.output()).toContain('left running by an earlier run');
    // pg_ctl returns once the pid file is gone; the process itself ends a moment later.
    const deadline = Date.now() + 10_000;
    while (isAlive(orphan!) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(orphan!)).toBe(false);
    const events = await withStore((store) => store.readStream('test-embedded'));
    expect(events.map((e) => e.version)).toEqual([1, 2]);
    expect(await stop(next)).toBe(0);
  });
});
