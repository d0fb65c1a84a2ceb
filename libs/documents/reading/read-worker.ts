import { parentPort, workerData } from 'node:worker_threads';
import type { ImportLimits } from './import-limits';
import { DocumentError } from '../drafts';
import { readDocumentFile } from '../read-file';
import { DocumentLimitError } from './limits';
import type { ReaderReply } from './document-reader';

/** Reads one file off the API's thread (see DocumentReader) and answers with the document or why not. */
const { name, content, limits } = workerData as { name: string; content: Uint8Array; limits: ImportLimits };
const reply = (message: ReaderReply) => parentPort!.postMessage(message);

readDocumentFile(name, Buffer.from(content.buffer, content.byteOffset, content.byteLength), limits).then(
  (document) => reply({ document }),
  (error: unknown) => {
    if (error instanceof DocumentLimitError)
      reply({ refused: { at: error.at, reason: error.finding, code: error.code, limit: error.limit, value: error.value } });
    else if (error instanceof DocumentError) reply({ refused: { at: error.at, reason: error.reason, code: error.code } });
    else reply({ failed: (error as Error).message ?? String(error) });
  },
);
