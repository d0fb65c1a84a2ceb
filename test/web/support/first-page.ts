import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** What the first page loads before it can run: index.html's module scripts and what it preloads, with their gzipped sizes. */
export function firstPageScripts(webDir: string): { scripts: string[]; gzipBytes: number } {
  const html = readFileSync(join(webDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map(
    (m) => (m[1] ?? m[2])!,
  );
  return { scripts, gzipBytes: scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(webDir, src))).length, 0) };
}
