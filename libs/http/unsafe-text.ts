import type { FieldProblem } from './problem';

/**
 * NUL and unpaired UTF-16 surrogates are the two things a JavaScript string can hold that
 * PostgreSQL text and jsonb cannot: let through, they fail the append with a 500 instead of
 * naming the field. (Paired surrogates — emoji and the like — are ordinary text.)
 */
// eslint-disable-next-line no-control-regex -- NUL is one of the two things this looks for
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** At most this many problems are reported: a body full of NULs should not answer with a body as big. */
const MAX_REPORTED = 20;

function unsafeTextReason(text: string): string | undefined {
  const match = UNSAFE.exec(text);
  if (!match) return undefined;
  const unit = match[0].charCodeAt(0);
  return unit === 0
    ? 'must not contain U+0000 (NUL)'
    : `must not contain an unpaired surrogate (U+${unit.toString(16).toUpperCase()}): it is not valid Unicode text`;
}

/**
 * Every string in a parsed JSON value (or query, or path parameters) that holds unsafe text,
 * keys included, each with its path from `root` (`body.goals[0].text`). Walks with a stack of its
 * own, so a deeply nested body cannot exhaust the call stack.
 */
export function unsafeTextProblems(value: unknown, root: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: Array<[unknown, string]> = [[value, root]];
  while (pending.length > 0 && problems.length < MAX_REPORTED) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      const reason = unsafeTextReason(current);
      if (reason) problems.push({ path: shortened(path), message: reason });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push([current[i], `${path}[${i}]`]);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current).reverse()) {
        const reason = unsafeTextReason(key);
        if (reason) problems.push({ path: shortened(`${path}.${printableKey(key)}`), message: `the name of this field ${reason}` });
        else pending.push([child, `${path}.${key}`]);
      }
    }
  }
  return problems;
}

/** A path 100,000 arrays deep is named by its two ends, not echoed whole. */
const shortened = (path: string) => (path.length > 200 ? `${path.slice(0, 100)}…${path.slice(-99)}` : path);

/** Every unsafe unit; replace() starts a global expression from 0 each time, so one serves every call. */
const UNSAFE_UNITS = new RegExp(UNSAFE.source, 'g');

/** A key is shown in the path with its unsafe characters escaped, so the answer itself stays valid text. */
function printableKey(key: string): string {
  return key.replace(UNSAFE_UNITS, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
