import { createHash } from 'node:crypto';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './reading/import-limits';
import { DocumentDraft, DocumentError } from './drafts';
import { readWorkbook } from './excel/read-workbook';
import { readPublishedText } from './published/published-text';

export type DocumentFormat = 'published-text' | 'xlsx';

export interface ReadDocument {
  name: string;
  sha256: string;
  format: DocumentFormat;
  draft: DocumentDraft;
}

/**
 * A file as uploaded: a workbook (a zip, "PK") or the published documents' text in UTF-8. A file
 * named .xlsx must be a workbook: a picture or a text renamed is refused, not read as something else.
 * Runs in a worker (see DocumentReader); called directly, it reads on the caller's thread.
 */
export async function readDocumentFile(name: string, content: Buffer, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<ReadDocument> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  if (content.length === 0) throw new DocumentError({ line: 1 }, 'the file is empty', 'EmptyFile');
  const zip = content.subarray(0, 2).toString('latin1') === 'PK';
  if (zip) return { name, sha256, format: 'xlsx', draft: await readWorkbook(content, limits) };
  if (/\.xlsx$/i.test(name))
    throw new DocumentError({ line: 1 }, 'the file is named .xlsx but is not a workbook (it is not a zip)', 'NotAWorkbook');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new DocumentError({ line: 1 }, 'the file is neither an .xlsx workbook nor UTF-8 text', 'UnsupportedDocument');
  }
  return { name, sha256, format: 'published-text', draft: readPublishedText(text, limits) };
}
