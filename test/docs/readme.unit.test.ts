import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brokenLinks, headingAnchors, relativeLinks } from '../support/markdown-links';

const root = resolve(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);

describe('the README as a front page', () => {
  it('stays within 15,000 bytes: the reference lives in docs/', () => {
    expect(Buffer.byteLength(readme, 'utf8')).toBeLessThanOrEqual(15_000);
  });

  it('opens with the run and test commands, the test command being the one CI runs', () => {
    const firstLines = readme.split('\n').slice(0, 12);
    expect(firstLines).toContain('    npm ci && npm start');
    expect(firstLines).toContain('    npm ci && npm test');
    const ci = readFileSync(join(root, '.ci/run'), 'utf8').trimEnd().split('\n');
    expect(ci[ci.length - 1]).toBe('npm ci && npm test');
  });

  it('links every page of docs/', () => {
    const linked = new Set(relativeLinks(readme).map((link) => link.split('#')[0]));
    expect(docs.filter((doc) => !linked.has(doc))).toEqual([]);
  });
});

describe('links in the README and docs/', () => {
  it('lead to files and headings that exist', () => {
    expect(brokenLinks(root, ['README.md', ...docs])).toEqual([]);
  });
});

describe('the link checker', () => {
  const folder = mkdtempSync(join(tmpdir(), 'shinchoku-links-'));
  mkdirSync(join(folder, 'docs'));
  writeFileSync(
    join(folder, 'docs/a.md'),
    [
      '# Title',
      '## Event store (`libs/event-store`, `0001_event_store.ts`)',
      "## A reminder's path",
      '## 区 組織目標',
      '## Twice',
      '## Twice',
      '```sh',
      '# → a comment, not a heading',
      'see [not a link](missing.md)',
      '```',
      'Inline `[code](missing.md)` and <!-- [a comment](missing.md) --> are no links.',
      '[ok](#event-store-libsevent-store-0001_event_storets) [ok](#a-reminders-path) [ok](#区-組織目標)',
      '[ok](#twice-1) [ok](../README.md) [ok](https://example.org/x.md) [ok](mailto:a@example.org)',
      '[no file](b.md) [no heading](#a-comment-not-a-heading) [no heading](../README.md#nowhere)',
      '[no third](#twice-2)',
    ].join('\n'),
  );
  writeFileSync(join(folder, 'README.md'), '# Read me\n[ok](docs/a.md#title) [ok](docs) [no folder](test/none)\n');

  it('reads headings as GitHub anchors them, code and all', () => {
    expect([...headingAnchors(readFileSync(join(folder, 'docs/a.md'), 'utf8'))]).toEqual([
      'title',
      'event-store-libsevent-store-0001_event_storets',
      'a-reminders-path',
      '区-組織目標',
      'twice',
      'twice-1',
    ]);
  });

  it('names each link that leads nowhere, and only those', () => {
    expect(brokenLinks(folder, ['README.md', 'docs/a.md'])).toEqual([
      'README.md → test/none: no test/none',
      'docs/a.md → b.md: no docs/b.md',
      'docs/a.md → #a-comment-not-a-heading: no heading #a-comment-not-a-heading in docs/a.md',
      'docs/a.md → ../README.md#nowhere: no heading #nowhere in README.md',
      'docs/a.md → #twice-2: no heading #twice-2 in docs/a.md',
    ]);
  });
});
