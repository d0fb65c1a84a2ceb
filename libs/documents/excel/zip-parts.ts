import { createInflateRaw } from 'node:zlib';
import { DocumentError } from '../drafts';
import { DocumentLimitError } from '../reading/limits';

/** One part of a zip, as its central directory names it, with its stored (compressed) bytes. */
export interface ZipPart {
  name: string;
  method: number;
  data: Buffer;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end record is 22 bytes, followed by a comment of at most 65535. */
const END_SEARCH = 22 + 0xffff;
/** A worksheet comes with its rels, comments, drawings, tables…; the workbook with styles, theme, properties. */
const PARTS_PER_SHEET = 8;
const PARTS_OF_WORKBOOK = 64;
/** What zlib hands over at a time: each step is counted before the next is inflated. */
const STEP = 64 * 1024;

export const corrupt = (reason: string) => new DocumentError({ line: 1 }, `the workbook is damaged: ${reason}`, 'CorruptWorkbook');

/**
 * The parts of a zip from its central directory, each checked against its local header and the
 * file's length: a zip cut short or with parts pointing outside the file is refused here.
 * Nothing is inflated.
 */
export function zipParts(content: Buffer, maxSheets: number): ZipPart[] {
  const end = findEnd(content);
  if (end < 0) throw corrupt('it has no zip directory (not a zip, or cut short)');
  const count = content.readUInt16LE(end + 10);
  const size = content.readUInt32LE(end + 12);
  const start = content.readUInt32LE(end + 16);
  if (count === 0xffff || start === 0xffffffff) throw corrupt('ZIP64 archives are not read');
  if (start + size > end) throw corrupt('its directory lies outside the file (cut short?)');
  if (count > PARTS_PER_SHEET * maxSheets + PARTS_OF_WORKBOOK) {
    throw new DocumentLimitError(
      { line: 1 },
      `the zip holds ${count} parts, more than a workbook of that many sheets has`,
      'sheets',
      maxSheets,
    );
  }
  const parts: ZipPart[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || content.readUInt32LE(at) !== DIRECTORY_ENTRY) throw corrupt(`directory entry ${i + 1} is unreadable`);
    const flags = content.readUInt16LE(at + 8);
    const method = content.readUInt16LE(at + 10);
    const compressed = content.readUInt32LE(at + 20);
    const nameLength = content.readUInt16LE(at + 28);
    const local = content.readUInt32LE(at + 42);
    const name = content.toString('utf8', at + 46, at + 46 + nameLength).replace(/^\//, '');
    at += 46 + nameLength + content.readUInt16LE(at + 30) + content.readUInt16LE(at + 32);
    if (flags & 1) throw corrupt(`${name} is encrypted`);
    if (local + 30 > content.length || content.readUInt32LE(local) !== LOCAL_HEADER) throw corrupt(`${name} has no local header`);
    const dataStart = local + 30 + content.readUInt16LE(local + 26) + content.readUInt16LE(local + 28);
    if (dataStart + compressed > content.length) throw corrupt(`${name} ends past the end of the file (cut short?)`);
    parts.push({ name, method, data: content.subarray(dataStart, dataStart + compressed) });
  }
  return parts;
}

function findEnd(content: Buffer): number {
  for (let at = content.length - 22; at >= Math.max(0, content.length - END_SEARCH); at--) {
    if (content.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  return -1;
}

/** Bytes inflated so far from every part of one file, against the cap. */
export class InflateBudget {
  private used = 0;
  constructor(private readonly max: number) {}

  count(bytes: number, part: string): void {
    this.used += bytes;
    if (this.used > this.max) {
      throw new DocumentLimitError(
        { line: 1 },
        `the workbook unpacks to more than ${this.max} bytes (stopped inflating in ${part})`,
        'unzippedBytes',
        this.max,
      );
    }
  }
}

/**
 * Inflates a part a step at a time, counting every chunk against the budget as it is produced: a
 * bomb stops at the cap, having cost no more than the cap to find out.
 */
export async function inflatePart(part: ZipPart, budget: InflateBudget, onChunk: (chunk: Buffer) => void): Promise<void> {
  const take = (chunk: Buffer) => {
    budget.count(chunk.length, part.name);
    onChunk(chunk);
  };
  if (part.method === 0) {
    for (let at = 0; at < part.data.length; at += STEP) take(part.data.subarray(at, at + STEP));
    return;
  }
  if (part.method !== 8) throw corrupt(`${part.name} uses compression method ${part.method}, not deflate`);
  const inflate = createInflateRaw({ chunkSize: STEP });
  inflate.end(part.data);
  try {
    for await (const chunk of inflate) take(chunk as Buffer);
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    throw corrupt(`${part.name} cannot be inflated (${(error as Error).message})`);
  } finally {
    inflate.destroy();
  }
}
