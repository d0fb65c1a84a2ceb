import { Client } from 'pg';

/** Where benchmarks create their databases: an admin URL allowed to CREATE DATABASE. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(statement: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Runs `use` against a database of its own, created for this run and dropped afterwards, even on error. */
export async function withScratchDatabase<T>(label: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `shinchoku_bench_${label}_${Date.now()}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await admin(`CREATE DATABASE ${name}`);
  try {
    return await use(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export const peakRssMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
