/** Where the test run finds its servers; CI and developers may point elsewhere. */
export const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Set by global setup: every database and queue prefix of this run starts with it. */
export function runId(): string {
  const id = process.env.SHINCHOKU_TEST_RUN;
  if (!id) throw new Error('SHINCHOKU_TEST_RUN is not set: run tests through jest (global setup sets it)');
  return id;
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const templateDatabase = () => `${runId()}_template`;
