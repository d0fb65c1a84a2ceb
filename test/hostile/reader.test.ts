import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { DEFAULT_IMPORT_LIMITS, DocumentLimitError, DocumentReader, readWorkbook } from '@shinchoku/documents';
import { generateHostileFiles, type HostileFile } from '../fixtures/hostile/generate';
import { SEED_000, seedFile } from '../support/documents';

/** The reader's worker: what it costs is capped, and running out is a refusal of the file, not a crash. */
let files: Record<HostileFile, string>;
beforeAll(() => {
  files = generateHostileFiles();
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as DocumentLimitError,
  );

describe('the document reader worker', () => {
  it('reads a document within its caps', async () => {
    const read = await new DocumentReader().read(SEED_000, seedFile(SEED_000));
    expect(read).toMatchObject({
      format: 'published-text',
      draft: { sheets: expect.arrayContaining([expect.objectContaining({ unit: '地域課' })]) },
    });
  });

  it('a worker that runs out of heap is ended and the file refused under IMPORT_READ_MEMORY_MB', async () => {
    // Within every cap but the heap: 200 000 cells are far more than 32 MB of exceljs objects.
    const reader = new DocumentReader({ ...DEFAULT_IMPORT_LIMITS, cells: 1_000_000, readMemoryMb: 32 });
    const error = await refusal(reader.read('many.xlsx', readFileSync(files.tooManyCells)));
    expect(error).toBeInstanceOf(DocumentLimitError);
    expect(error).toMatchObject({ code: 'ReadMemoryExceeded', setting: 'IMPORT_READ_MEMORY_MB', bytes: true });
  });

  it('a worker that takes too long is ended and the file refused under IMPORT_READ_TIMEOUT_MS', async () => {
    const reader = new DocumentReader({ ...DEFAULT_IMPORT_LIMITS, cells: 1_000_000, readTimeoutMs: 200 });
    const started = Date.now();
    const error = await refusal(reader.read('many.xlsx', readFileSync(files.tooManyCells)));
    expect(error).toMatchObject({ code: 'ReadTimeExceeded', setting: 'IMPORT_READ_TIMEOUT_MS', bytes: false });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('the workbook reader', () => {
  it('visits only the cells present, not rows × columns of blank space', async () => {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('地域課');
    ws.getCell('A1').value = '組織目標管理シート';
    // A formatted blank cell far away: exceljs counts 3000 rows × 2000 columns, of which one holds text.
    ws.getCell(3000, 2000).style = { font: { bold: true } };
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    const started = performance.now();
    await expect(readWorkbook(content, { ...DEFAULT_IMPORT_LIMITS, rows: 1_048_576, columns: 16_384 })).rejects.toThrow(
      'the sheet has no 年度',
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
