import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './import-limits';
import { DocumentError, type Location } from '../drafts';
import type { ReadDocument } from '../read-file';
import { DocumentLimitError } from './limits';
import type { ProblemCode } from '@shinchoku/http';

/** What the worker answers: the document, a refusal to rebuild as the typed error, or a failure of the reader itself. */
export type ReaderReply =
  | { document: ReadDocument }
  | { refused: { at: Location; reason: string; code: ProblemCode; limit?: keyof ImportLimits; value?: number } }
  | { failed: string };

/** Readers running at once per process; more wait their turn, so N uploads never cost N capped heaps. */
const CONCURRENT_READS = 2;

/** Built (dist/*.js) the worker is plain JavaScript; from the sources it compiles itself first. */
const ENTRY = join(__dirname, __filename.endsWith('.js') ? 'read-worker.js' : 'read-worker-from-source.js');

/**
 * Reads every uploaded file — HTTP and command line — in a worker thread of its own, so a file
 * that is costly to parse cannot starve the API's event loop (health checks, other requests).
 * The worker's heap is capped (IMPORT_READ_MEMORY_MB) and its time too (IMPORT_READ_TIMEOUT_MS):
 * a worker that runs out of either is ended, and the file refused as over that cap.
 */
export class DocumentReader {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limits: ImportLimits = DEFAULT_IMPORT_LIMITS) {}

  async read(name: string, content: Buffer): Promise<ReadDocument> {
    // A finished read hands its slot straight to the next in line, so no newcomer slips in between.
    if (this.running < CONCURRENT_READS) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await this.inWorker(name, content);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private inWorker(name: string, content: Buffer): Promise<ReadDocument> {
    const { readMemoryMb, readTimeoutMs } = this.limits;
    return new Promise<ReadDocument>((resolve, reject) => {
      const worker = new Worker(ENTRY, {
        workerData: { name, content, limits: this.limits },
        resourceLimits: { maxOldGenerationSizeMb: readMemoryMb, maxYoungGenerationSizeMb: Math.min(64, readMemoryMb / 4) },
      });
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
        void worker.terminate();
      };
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(
              new DocumentLimitError({ line: 1 }, `reading the file took longer than ${readTimeoutMs} ms`, 'readTimeoutMs', readTimeoutMs),
            ),
          ),
        readTimeoutMs,
      );
      worker.once('message', (reply: ReaderReply) =>
        settle(() => ('document' in reply ? resolve(reply.document) : reject(rebuilt(reply)))),
      );
      worker.once('error', (error: Error & { code?: string }) =>
        settle(() =>
          reject(
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new DocumentLimitError({ line: 1 }, `reading the file needed more than ${readMemoryMb} MB`, 'readMemoryMb', readMemoryMb)
              : new DocumentError({ line: 1 }, `the file could not be read (${error.message})`),
          ),
        ),
      );
      worker.once('exit', (code) =>
        settle(() => reject(new DocumentError({ line: 1 }, `the file could not be read (the reader stopped with code ${code})`))),
      );
    });
  }
}

function rebuilt(reply: Exclude<ReaderReply, { document: ReadDocument }>): DocumentError {
  if ('failed' in reply) return new DocumentError({ line: 1 }, `the file could not be read (${reply.failed})`);
  const { at, reason, code, limit, value } = reply.refused;
  return limit !== undefined ? new DocumentLimitError(at, reason, limit, value!) : new DocumentError(at, reason, code);
}
