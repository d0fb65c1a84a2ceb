import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { readWorkbook } from '@shinchoku/documents';
import { answering, AppProcess, freePort, runShinchoku, scratchDir, stop } from '../support/app-process';
import { createTestDatabase, TestDatabase, uniquePrefix } from '../support/test-database';

let database: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  database = await createTestDatabase(4);
  env = { DATABASE_URL: database.url, QUEUE_PREFIX: uniquePrefix(), ADMIN_TOKEN: 'cli-test-token-0123456789', LOG_LEVEL: 'warn' };
});
afterAll(() => database.close());

const finished = async (app: AppProcess) => ({ code: await app.exited, output: app.output() });
const events = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM events`.execute(database.db)).rows[0]!.n);
const seeds = join(__dirname, '../fixtures/seeds');

describe('the command line', () => {
  it('start --demo loads both seed documents on the first start and nothing more on the next', async () => {
    for (const expected of [183, 183]) {
      const port = await freePort();
      const app = runShinchoku(['start', '--demo'], { ...env, PORT: String(port) });
      await answering(app);
      const reply = await fetch(`http://127.0.0.1:${port}/api/v1/sheets?limit=100`, { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } });
      expect(((await reply.json()) as { items: unknown[] }).items).toHaveLength(13);
      expect(await events()).toBe(expected);
      expect(await stop(app)).toBe(0);
    }
  });

  it('import: a file that cannot be read whole exits 65 naming line and cell; no file is a usage error (64)', async () => {
    const broken = join(scratchDir('cli'), 'broken.txt');
    writeFileSync(broken, readFileSync(join(seeds, '000_49b4172ac8662452.txt'), 'utf8').replace('R6.4.1', 'R6.4.31'));
    const before = await events();
    const failed = await finished(runShinchoku(['import', broken], env));
    expect(failed.code).toBe(65);
    expect(failed.output).toContain('line 5, cell 8: 作成日 "R6.4.31" is not a date');
    expect(await events()).toBe(before);
    expect((await finished(runShinchoku(['import'], env))).code).toBe(64);
    const again = await finished(runShinchoku(['import', join(seeds, '004_228aefcc8638a33f.txt')], env));
    expect(again).toMatchObject({ code: 0, output: expect.stringContaining('0 commands, 0 events') });
  });

  it('export --ward --year writes the department × fiscal year workbook', async () => {
    const output = join(scratchDir('cli'), 'west.xlsx');
    const result = await finished(runShinchoku(['export', '--ward', '西区', '--year', '2024', '--output', output], env));
    expect(result).toMatchObject({ code: 0, output: expect.stringContaining('(10 sheets)') });
    expect((await readWorkbook(readFileSync(output))).sheets).toHaveLength(10);
    expect((await finished(runShinchoku(['export', '--ward', '西区'], env))).code).toBe(64);
  });
});
