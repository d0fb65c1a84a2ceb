import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { firstPageScripts } from './support/first-page';

/** The first page's JavaScript, as sent compressed: the budget the issue sets for a first load. */
const BUDGET_GZIP_BYTES = 250 * 1024;
const WEB = resolve(__dirname, '../../dist/web');

it('sends at most 250 KB of gzipped JavaScript for the first page', () => {
  expect(existsSync(join(WEB, 'index.html'))).toBe(true); // npm test builds it (npm run build:web alone)
  const { scripts, gzipBytes } = firstPageScripts(WEB);
  expect(scripts.length).toBeGreaterThan(0);
  console.log(
    `first page JavaScript: ${(gzipBytes / 1024).toFixed(1)} KB gzipped of ${BUDGET_GZIP_BYTES / 1024} KB (${scripts.join(', ')})`,
  );
  expect(gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
});
