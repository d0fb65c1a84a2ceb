import { uuidFrom } from '@shinchoku/http';
import { eventCount, ImportContext, importer, openImporter, SEED_004, seedFile } from '../support/documents';

let context: ImportContext & { close(): Promise<void> };
beforeEach(async () => {
  context = await openImporter();
});
afterEach(() => context.close());

/** Seed 004 with its 組織名(部) cells (東区役所) spelt another way. */
const seed004As = (department: string) =>
  Buffer.from(
    seedFile(SEED_004)
      .toString('utf8')
      .replace(/(組織名\(部\)\t)東区役所/g, `$1${department}`),
  );
const sheetsOf2020 = async () =>
  (await context.queries.sheets({ fiscalYear: 2020 }, 50)).items
    .map(({ sheet }) => `${sheet.department} ${sheet.unit} ${sheet.sheetId}`)
    .sort();

describe('importing a department spelt another way', () => {
  it('finds in place what a document spelling it otherwise created: nothing appended, no second sheet', async () => {
    expect(await context.importer.import(SEED_004, seedFile(SEED_004), importer)).toMatchObject({ sheets: 3, events: 53 });
    const imported = await sheetsOf2020();
    expect(imported.map((s) => s.split(' ')[0])).toEqual(['東区', '東区', '東区']);
    const before = await eventCount(context);
    for (const department of ['東区', '新潟市東区役所', '東　区役所']) {
      expect(await context.importer.import(`${department}.txt`, seed004As(department), importer)).toMatchObject({
        sheets: 3,
        commands: 0,
        events: 0,
      });
    }
    expect(await eventCount(context)).toBe(before);
    expect(await sheetsOf2020()).toEqual(imported);
  });

  it('keeps the sheets an import made before departments had one name (ids derived from 東区役所)', async () => {
    // What an import by the code before derived: the sheet's id from the department as the document spelt it.
    const legacy = uuidFrom('import', 'sheet', '2020', '東区役所', '健康福祉課');
    await context.sheets.run(
      legacy,
      { type: 'CreateSheet', sheetId: legacy, fiscalYear: 2020, department: '東区役所', unit: '健康福祉課', createdOn: '2020-04-01' },
      {
        actor: importer,
        source: 'import',
      },
    );
    await context.importer.import(SEED_004, seedFile(SEED_004), importer);
    const sheets = await sheetsOf2020();
    expect(sheets).toHaveLength(3);
    expect(sheets).toContain(`東区 健康福祉課 ${legacy}`);
  });

  it('refuses a document naming one unit twice under two spellings', async () => {
    const twice = Buffer.from(
      seedFile(SEED_004)
        .toString('utf8')
        .replace(/(組織名\(部\)\t)東区役所(\t組織名\(準部・課・機関名\)\t)健康福祉課/, '$1東区$2総務課'),
    );
    await expect(context.importer.import('twice.txt', twice, importer)).rejects.toThrow(/東区 総務課 appears twice for 令和2年度/);
    expect(await eventCount(context)).toBe(0);
  });
});
