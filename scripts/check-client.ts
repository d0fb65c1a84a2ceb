import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Fails when the committed client types (libs/api-client/schema.d.ts) are not what
 * openapi-typescript makes of the document now: run `npm run client` and commit the result.
 */
const document = resolve(process.argv[2] ?? 'dist/openapi.json');
const committed = resolve('libs/api-client/schema.d.ts');
const scratch = mkdtempSync(join(tmpdir(), 'shinchoku-client-'));
try {
  const generated = join(scratch, 'schema.d.ts');
  execFileSync(resolve('node_modules/.bin/openapi-typescript'), [document, '-o', generated], { stdio: 'pipe' });
  if (readFileSync(generated, 'utf8') !== readFileSync(committed, 'utf8')) {
    console.error(`${committed} does not match ${document}: run 'npm run client' and commit it`);
    process.exitCode = 1;
  } else {
    console.log('client types match the document');
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
