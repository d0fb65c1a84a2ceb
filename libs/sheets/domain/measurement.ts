/** A progress or result value as a person entered it: the text always, a number when one can be read. */
export interface Measurement {
  text: string;
  value?: number;
  unit?: string;
}

/**
 * Full-width ASCII (０-９, ，, ．, ％, （, ）, Ａ-ｚ…) and the ideographic space → their half-width forms.
 * Not NFKC: that would also turn ① into 1 and invent numbers. Shared with target.ts.
 */
export function normalizeWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** A number as written on the sheets: grouped with commas ("38,120") or not, with optional decimals. */
export const NUMBER_SOURCE = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;

export function readNumber(digits: string): number {
  return Number(digits.replace(/,/g, ''));
}

/**
 * Actions written after a count ("2企画実施", "35自治会等で実施", "5事業以上の支援"): they say what is done,
 * so they are not part of the unit. Shared with target.ts, where a target that is only an action is a milestone.
 */
export const ACTION_SOURCE = '実施|検討|立ち上げ|立上げ|策定|開催|完了|導入|作成|整備|構築|開始|設置|見直し|改定|発行|周知|配布|訪問|支援';

/** The particles that join a unit to a trailing action (の支援, で実施, を開催). */
export const PARTICLE_SOURCE = '[のでをにへ]';

const MEASUREMENT = new RegExp(`^(-?(?:${NUMBER_SOURCE}))\\s*([^\\d\\s]*?)(?:${PARTICLE_SOURCE}?(?:${ACTION_SOURCE}))?$`);

/** "1,234" → 1234; "８校" → 8 校; "52%" → 52 %; "実施済" → text only; 1234 → {text:"1234", value:1234}. */
export function parseMeasurement(input: number | string): Measurement {
  if (typeof input === 'number') {
    const text = String(input);
    return Number.isFinite(input) ? { text, value: input } : { text };
  }
  const match = MEASUREMENT.exec(normalizeWidth(input).trim());
  if (!match) return { text: input };
  const [, digits = '', unit = ''] = match;
  return unit ? { text: input, value: readNumber(digits), unit } : { text: input, value: readNumber(digits) };
}
