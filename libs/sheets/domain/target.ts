import { ACTION_SOURCE, NUMBER_SOURCE, PARTICLE_SOURCE, normalizeWidth, readNumber } from './measurement';

export type Comparator = 'gte' | 'lte' | 'eq';

/** A year's target (R6目標) as written, and what could be read from it. `text` is always the input exactly. */
export type Target =
  | { kind: 'numeric'; text: string; comparator: Comparator; value: number; unit?: string; label?: string; note?: string }
  | { kind: 'share'; text: string; threshold: { comparator: Comparator; value: number; unit?: string }; share: number }
  | { kind: 'milestone'; text: string; milestone: string }
  | { kind: 'direction'; text: string; direction: 'increase' | 'decrease' }
  | { kind: 'coverage'; text: string; population: string }
  | { kind: 'perCapita'; text: string; per: string; comparator: Comparator; value: number; unit?: string }
  | { kind: 'freeText'; text: string };

const NUM = `(${NUMBER_SOURCE})`;
// A unit is a short word after the number (団体, %, 自治会等); particles and commas mean a phrase, not a unit.
const UNIT = '([^\\d\\s、。,のでをにへ(]*?)';
const CMP = '(以上|以下|未満|超)?';
const ACTION = `(?:${PARTICLE_SOURCE}?(?:${ACTION_SOURCE}))?`;

const SHARE = new RegExp(`^${NUM}\\s*${UNIT}(以上|以下)[をが]\\s*${NUM}\\s*%(?:以上)?$`);
const PER_CAPITA = new RegExp(`^([^\\d\\s]*?)1人(?:あたり|当たり|当り)の?\\s*${NUM}\\s*${UNIT}${CMP}${ACTION}$`);
const NUMERIC = new RegExp(`^([^\\d]*?)\\s*${NUM}\\s*${UNIT}${CMP}${ACTION}$`);
const DIRECTION = /^[^\d]*?(増加|減少)$/;
const MILESTONE = new RegExp(`^[^\\d]*(?:${ACTION_SOURCE})(?:する|します)?$`);
const COVERAGE = [
  /^(?:全て|すべて)の([^\dのでをにへ、]+)/, // 全ての学校で実施 → 学校
  /^([^\d]+?)の?(?:全て|すべて|全員)/, // 対象者の全て → 対象者
  /^([^\d]*?)全(世帯|戸|校|件|職員|地区|施設|団体)/, // 対象全世帯への訪問 → 対象世帯
];

/** Parses a target as written; never throws. Anything no rule fits is freeText, for a person to judge. */
export function parseTarget(text: string): Target {
  const s = normalizeWidth(text).trim();
  if (!s) return { kind: 'freeText', text };
  const parsed = share(s, text) ?? perCapita(s, text) ?? numeric(s, text) ?? direction(s, text) ?? coverage(s, text) ?? milestone(s, text);
  return parsed ?? { kind: 'freeText', text };
}

/**
 * 以上 → gte, 以下 → lte. A bare number ("190") means the office aims to reach at least that much → gte.
 * 未満 and 超 are strict bounds the Comparator cannot express; approximating them as lte/gte would judge
 * a result equal to the bound wrongly, so such targets stay freeText (returned as null here).
 */
function comparatorOf(word: string | undefined): Comparator | null {
  if (word === '以下') return 'lte';
  if (word === '未満' || word === '超') return null;
  return 'gte';
}

function share(s: string, text: string): Target | undefined {
  const m = SHARE.exec(s);
  if (!m) return undefined;
  const [, value = '', unit, word, percent = ''] = m;
  const comparator: Comparator = word === '以下' ? 'lte' : 'gte';
  const threshold = { comparator, value: readNumber(value), ...(unit ? { unit } : {}) };
  return { kind: 'share', text, threshold, share: readNumber(percent) };
}

function perCapita(s: string, text: string): Target | undefined {
  const m = PER_CAPITA.exec(s);
  if (!m) return undefined;
  const [, per, value = '', unit, word] = m;
  const comparator = comparatorOf(word);
  if (!comparator) return { kind: 'freeText', text };
  return { kind: 'perCapita', text, per: per || '人', comparator, value: readNumber(value), ...(unit ? { unit } : {}) };
}

function numeric(s: string, text: string): Target | undefined {
  const { body, note } = splitNote(s);
  const m = NUMERIC.exec(body);
  if (!m) return undefined;
  const [, rawLabel = '', value = '', unit, word] = m;
  const comparator = comparatorOf(word);
  if (!comparator) return { kind: 'freeText', text };
  const label = joinBrokenWords(rawLabel.trim());
  return {
    kind: 'numeric',
    text,
    comparator,
    value: readNumber(value),
    ...(unit ? { unit } : {}),
    ...(label ? { label } : {}),
    ...(note ? { note } : {}),
  };
}

function direction(s: string, text: string): Target | undefined {
  const word = DIRECTION.exec(s)?.[1];
  if (!word) return undefined;
  return { kind: 'direction', text, direction: word === '増加' ? 'increase' : 'decrease' };
}

/** The population is the group without the word for "all": the kind already says all of it. */
function coverage(s: string, text: string): Target | undefined {
  if (/\d/.test(s)) return undefined;
  for (const pattern of COVERAGE) {
    const m = pattern.exec(s);
    const population = joinBrokenWords(((m?.[1] ?? '') + (m?.[2] ?? '')).trim());
    if (population) return { kind: 'coverage', text, population };
  }
  return undefined;
}

function milestone(s: string, text: string): Target | undefined {
  return MILESTONE.test(s) ? { kind: 'milestone', text, milestone: joinBrokenWords(s) } : undefined;
}

/** "8 ※西区全小学校に配布完了" and "5回 (異動、…を予定)": the remark after ※ or in trailing brackets is a note. */
function splitNote(s: string): { body: string; note?: string } {
  const mark = s.indexOf('※');
  let body = mark < 0 ? s : s.slice(0, mark).trim();
  const notes: string[] = [];
  const bracketed = /^(.*?)\s*\(([^()]*)\)$/.exec(body);
  if (bracketed) {
    body = bracketed[1] ?? '';
    notes.push(joinBrokenWords((bracketed[2] ?? '').trim()));
  }
  if (mark >= 0) notes.push(s.slice(mark + 1).trim());
  const note = notes.filter(Boolean).join(' ');
  return note ? { body, note } : { body };
}

/** Japanese does not space words, so a space between two Japanese characters is where the PDF wrapped a cell. */
function joinBrokenWords(s: string): string {
  return s.replace(/(?<=\P{ASCII})\s+(?=\P{ASCII})/gu, '');
}
