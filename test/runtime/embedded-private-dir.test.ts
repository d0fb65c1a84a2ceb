import { execFileSync } from 'node:child_process';
import { chownSync, cpSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventStore } from '@shinchoku/event-store';
import { openDatabase } from '@shinchoku/database';
import { SERVER_HOME } from '../../libs/database/embedded-home';
import { answering, AppProcess, embeddedUrl, freePort, isAlive, postmasterPid, runShinchoku, RunAs, stop } from '../support/app-process';
import { progress, tester } from '../support/events';

const ROOT = resolve(__dirname, '../..');
const asRoot = process.getuid?.() === 0;

/**
 * A fresh clone as `git clone` into `mktemp -d` leaves it: a folder only its owner may enter,
 * holding the built CLI and a real node_modules (hard links, so the copy takes seconds).
 */
function privateClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shinchoku-clone-'));
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  execFileSync('cp', ['-al', realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules')]);
  return dir;
}

function user(name: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' })),
  };
}

/** `npm start` in the clone: the default data folder `.shinchoku` under it, nothing configured. */
describe('a fresh clone in a folder only its owner can enter', () => {
  let clone: string;
  const running: AppProcess[] = [];
  const homes: string[] = [];

  beforeAll(() => {
    clone = privateClone();
  }, 120_000);
  afterAll(async () => {
    for (const app of running) if (app.child.exitCode === null) await stop(app, 'SIGKILL');
    rmSync(clone, { recursive: true, force: true });
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  const start = async (as: RunAs, dataDir: string) => {
    const pgPort = await freePort();
    const env = { EMBEDDED_PG_PORT: String(pgPort), PORT: String(await freePort()), SHINCHOKU_DATA_DIR: dataDir };
    const app = runShinchoku(['start'], env, { main: join(clone, 'dist/apps/shinchoku/src/main.js'), cwd: clone, ...as });
    running.push(app);
    expect((await answering(app)).status).toBe(200);
    const database = openDatabase({ url: embeddedUrl(join(clone, dataDir), pgPort), poolSize: 1 });
    return { app, store: new EventStore(database.db), close: () => database.close() };
  };

  const startTwiceKeepingData = async (as: RunAs, dataDir: string) => {
    const first = await start(as, dataDir);
    await first.store.append('test-private-clone', 0, [progress(48)], tester);
    await first.close();
    expect(await stop(first.app)).toBe(0);

    const again = await start(as, dataDir);
    expect(again.app.output()).not.toContain('creating the embedded PostgreSQL cluster');
    const events = await again.store.readStream('test-private-clone');
    await again.close();
    expect(events.map((e) => e.data)).toEqual([progress(48).data]);
    expect(await stop(again.app)).toBe(0);
    const pid = postmasterPid(join(clone, dataDir));
    expect(pid === undefined || !isAlive(pid)).toBe(true);
  };

  (asRoot ? it : it.skip)(
    'starts as root, the cluster in a home the postgres user owns, linked from the data folder, and finds it again',
    async () => {
      const link = join(clone, '.shinchoku', 'postgres');
      await startTwiceKeepingData({}, '.shinchoku');

      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      const cluster = realpathSync(link);
      homes.push(resolve(cluster, '..'));
      expect(cluster.startsWith(`${SERVER_HOME}/`)).toBe(true);
      expect(statSync(cluster).uid).toBe(user('postgres').uid);
      expect(readFileSync(join(cluster, '..', 'data-dir'), 'utf8').trim()).toBe(realpathSync(join(clone, '.shinchoku')));
    },
    180_000,
  );

  it('starts as an ordinary user, the cluster in the data folder itself', async () => {
    // As root, the ordinary user is `nobody`, made the clone's owner; otherwise it is whoever runs the test.
    const nobody = asRoot ? user('nobody') : undefined;
    if (nobody) chownSync(clone, nobody.uid, nobody.gid);
    await startTwiceKeepingData(nobody ?? {}, 'own-data');
    expect(lstatSync(join(clone, 'own-data', 'postgres')).isDirectory()).toBe(true);
  }, 180_000);
});
