import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The first page's JavaScript, as sent compressed: the budget the issue sets for a first load. */
const BUDGET_GZIP_BYTES = 250 * 1024;
const WEB = resolve(__dirname, '../../dist/web');

it('sends at most 250 KB of gzipped JavaScript for the first page', () => {
  expect(existsSync(join(WEB, 'index.html'))).toBe(true); // npm test builds it (npm run build:web alone)
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  // What the page loads before it can run: its module scripts and what they preload.
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map(
    (m) => (m[1] ?? m[2])!,
  );
  expect(scripts.length).toBeGreaterThan(0);
  const gzipped = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(WEB, src))).length, 0);
  console.log(`first page JavaScript: ${(gzipped / 1024).toFixed(1)} KB gzipped of ${BUDGET_GZIP_BYTES / 1024} KB (${scripts.join(', ')})`);
  expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
});
