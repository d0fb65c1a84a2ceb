import { createHash } from 'node:crypto';
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

/** A file as uploaded: a workbook (a zip, "PK") or the published documents' text in UTF-8. */
export async function readDocumentFile(name: string, content: Buffer): Promise<ReadDocument> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  if (content.subarray(0, 2).toString('latin1') === 'PK') return { name, sha256, format: 'xlsx', draft: await readWorkbook(content) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new DocumentError({ line: 1 }, 'the file is neither an .xlsx workbook nor UTF-8 text', 'UnsupportedDocument');
  }
  return { name, sha256, format: 'published-text', draft: readPublishedText(text) };
}
