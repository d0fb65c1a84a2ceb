import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Json } from './api';

const MAIN = resolve(__dirname, '../../dist/apps/shinchoku/src/main.js');

export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  port: number;
}

/** Where and as whom to run it: another copy of the built CLI, its folder, another user. */
export interface RunAs {
  main?: string;
  cwd?: string;
  uid?: number;
  gid?: number;
}

/**
 * How long a test that runs the built CLI `processes` times may take: a guard against a hang, not a
 * measure of speed. Each process loads the whole app before it does anything (about 2 s of CPU,
 * even for a usage error), which stretches to 10–20 s each on a loaded two-core host: jest's
 * default (60 s) is for tests that start nothing. Also more than `answering` waits, so that its
 * error, with the process's output, is what a hung start reports.
 */
export const budgetFor = (processes: number): number => 60_000 + processes * 40_000;

/** The built CLI, as a user runs it; `npm test` builds it first. */
export function runShinchoku(args: string[], env: Record<string, string>, as: RunAs = {}): AppProcess {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run 'npm run build' (npm test does)`);
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !['DATABASE_URL', 'REDIS_URL', 'PORT', 'HOST'].includes(key)),
  );
  const { main = MAIN, ...where } = as;
  const child = spawn(process.execPath, [main, ...args], {
    ...where,
    env: { ...clean, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, port: Number(env.PORT ?? 3000) };
}

export async function health(port: number): Promise<{ status: number; body: Json } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return { status: response.status, body: await response.json() };
  } catch {
    return undefined;
  }
}

/** Waits until /health answers at all (any status), or the process exits. */
export async function answering(app: AppProcess, ms = 90_000) {
  const deadline = Date.now() + ms;
  let exitCode: number | null | undefined;
  void app.exited.then((code) => (exitCode = code));
  for (;;) {
    const answer = await health(app.port);
    if (answer) return answer;
    if (exitCode !== undefined) throw new Error(`shinchoku exited (${exitCode}) before answering:\n${app.output()}`);
    if (Date.now() > deadline) throw new Error(`shinchoku did not answer within ${ms} ms:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function stop(app: AppProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  app.child.kill(signal);
  return app.exited;
}

export { freePort } from './free-port';

/** A data folder the embedded server's user can reach (mkdtemp's 0700 would shut it out when we run as root). */
export function scratchDir(label: string): string {
  const dir = join(tmpdir(), `shinchoku-${label}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

export function embeddedUrl(dataDir: string, port: number): string {
  const password = readFileSync(join(dataDir, 'postgres.password'), 'utf8').trim();
  return `postgres://shinchoku:${encodeURIComponent(password)}@127.0.0.1:${port}/shinchoku`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}
