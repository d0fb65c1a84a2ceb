import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROBLEM_CODE_LIST } from '@shinchoku/http';

/** Every source file of the service, but the registry itself. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('problem-codes.ts') ? [path] : [];
  });
}

// Codes the service emits that are missing from the registry do not compile (Problem takes a
// ProblemCode); this is the other half: a registered code that nothing emits is a lie in the
// document's enum.
describe('the problem-code registry', () => {
  const root = resolve(__dirname, '../..');
  const text = [...sources(join(root, 'libs')), ...sources(join(root, 'apps'))].map((file) => readFileSync(file, 'utf8')).join('\n');

  it.each(PROBLEM_CODE_LIST)('%s is emitted somewhere', (code) => {
    expect(text).toMatch(new RegExp(`'${code}'`));
  });
});
