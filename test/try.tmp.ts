import { readFileSync } from 'node:fs';
import { readPublishedText } from '../libs/documents/published/published-text';
for (const f of ['000_49b4172ac8662452', '004_228aefcc8638a33f']) {
  const d = readPublishedText(readFileSync(`/work/wt/documents/test/fixtures/seeds/${f}.txt`, 'utf8'));
  console.log(JSON.stringify(d, (k, v) => (k === 'at' ? undefined : v), 1).slice(0, 200000));
}
