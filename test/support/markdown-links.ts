import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Code shows links and headings without making them (`# →` in a shell block is a comment). */
const withoutCode = (markdown: string): string =>
  markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/`[^`\n]*`/g, (span) => span.replace(/[[\]()]/g, ''));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, text = ''] of withoutCode(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Targets of inline links that stay inside the repository (no scheme, no protocol-relative URL). */
export function relativeLinks(markdown: string): string[] {
  const code = withoutCode(markdown);
  const targets = [...code.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(([, target = '']) => target);
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//'));
}

/**
 * Every relative link in `files` (paths under `root`) that leads nowhere: to a file or folder that
 * does not exist, or to an anchor that no heading of the Markdown file it names makes.
 */
export function brokenLinks(root: string, files: readonly string[]): string[] {
  const broken: string[] = [];
  for (const file of files) {
    const source = join(root, file);
    for (const link of relativeLinks(readFileSync(source, 'utf8'))) {
      const [path, anchor] = link.split('#', 2) as [string, string | undefined];
      const target = path === '' ? source : join(dirname(source), decodeURIComponent(path));
      const shown = `${file} → ${link}`;
      if (!existsSync(target)) {
        broken.push(`${shown}: no ${relative(root, target)}`);
      } else if (anchor !== undefined && statSync(target).isFile() && target.endsWith('.md')) {
        if (!headingAnchors(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${shown}: no heading #${anchor} in ${relative(root, target)}`);
        }
      }
    }
  }
  return broken;
}
