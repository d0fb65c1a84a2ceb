import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { readWorkbook } from '@shinchoku/documents';
import { EventStore } from '@shinchoku/event-store';
import { SheetCommands, SheetQueries, sheetStream } from '@shinchoku/sheets';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import { TestClock } from '../support/api';
import { editable, setCell } from '../support/documents';
import { answering, AppProcess, freePort, runShinchoku, scratchDir, stop, budgetFor } from '../support/app-process';
import { createTestDatabase, TestDatabase, uniquePrefix } from '../support/test-database';

// Tests here run the built CLI (the stale-workbook test runs four): see budgetFor.
jest.setTimeout(budgetFor(4));

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
      const reply = await fetch(`http://127.0.0.1:${port}/api/v1/sheets?limit=100`, {
        headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
      });
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

  it('import: a workbook changing a cell changed since its export exits 65 listing it; --dry-run lists it and writes nothing; --force overwrites', async () => {
    const output = join(scratchDir('cli'), 'west-stale.xlsx');
    expect((await finished(runShinchoku(['export', '--ward', '西区', '--year', '2024', '--output', output], env))).code).toBe(0);
    const store = new EventStore(database.db);
    const { sheet } = (await new SheetQueries(database.db).sheets({ fiscalYear: 2024, unit: '区民生活課' }, 1)).items[0]!;
    const { indicatorId } = sheet.goals[0]!.indicators[0]!;
    const colleague = new SheetCommands(
      database.db,
      store,
      new TestClock(new Date('2024-07-05T10:00:00+09:00')),
      DEFAULT_PROGRESS_THRESHOLDS,
    );
    await colleague.run(
      sheet.sheetId,
      { type: 'RecordProgress', indicatorId, quarter: 1, value: '110団体' },
      { actor: { id: 'u-colleague', name: '訂正 次郎' }, source: 'test' },
    );
    const workbook = await editable(readFileSync(output));
    setCell(workbook, '区民生活課', sheet.goals[0]!.indicators[0]!.name, '第1四半期', '105団体');
    writeFileSync(output, Buffer.from(await workbook.xlsx.writeBuffer()));
    const before = await events();

    const refused = await finished(runShinchoku(['import', output], env));
    expect(refused).toMatchObject({
      code: 65,
      output: expect.stringContaining('progress Q1: workbook 105団体, now 110団体 — changed by 訂正 次郎'),
    });
    const dry = await finished(runShinchoku(['import', '--dry-run', output], env));
    expect(dry).toMatchObject({ code: 0, output: expect.stringContaining('dry run: nothing written') });
    expect(dry.output).toContain('workbook 105団体, now 110団体');
    expect(await events()).toBe(before);

    expect((await finished(runShinchoku(['import', '--force', output], env))).code).toBe(0);
    const last = (await store.readStream(sheetStream(sheet.sheetId))).at(-1)!;
    expect(last).toMatchObject({ type: 'ProgressCorrected', metadata: { source: 'import', forced: { sinceVersion: expect.any(Number) } } });
  });
});
