import fc from 'fast-check';

/**
 * Generators for hostile requests: text, numbers, ids and bodies as a careless or malicious client
 * sends them. Bodies follow each operation's JSON schema from the OpenAPI document (so they get
 * past the shape checks and reach the rules and the database) with hostile leaves, or ignore it.
 */

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
}

const NASTY_TEXT = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uDBFFy',
  '\uD83D',
  '😀',
  '👩‍👩‍👧',
  '\u202Eevil\u202C',
  'עברית',
  'مرحبا',
  'ＡＢＣ１２３',
  '５',
  '１',
  ' ',
  '',
  '\t\r\n',
  '\uFEFF',
  '\u0085',
  '\u200B',
  'null',
  'undefined',
  'NaN',
  'true',
  '[]',
  '{}',
  "'; DROP TABLE events; --",
  '%00',
  '%FF',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '=HYPERLINK("x")',
  '西区',
  '西区役所',
  '東区',
  '地域課',
  '総務課',
  '○',
  '×',
  'x'.repeat(201),
  'あ'.repeat(2_001),
  'あ'.repeat(20_001),
];

const NUMBER_TEXT = [
  '1',
  '2',
  '3',
  '4',
  '2024',
  '2025',
  '1989',
  '2100',
  '50',
  '0',
  '-1',
  '01',
  '1e0',
  '+1',
  '1.0',
  ' 1',
  '1 ',
  '５',
  '0x1',
  '0b1',
  '1_000',
  '1,000',
  'NaN',
  'Infinity',
  '-0',
  '9'.repeat(30),
  '2024.0',
  '２０２４',
  '1e400',
  '',
];

/** Any UTF-16 code units, lone surrogates and NUL included. */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 12 });

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_TEXT) },
  { weight: 1, arbitrary: codeUnits },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY_TEXT), codeUnits).map(([a, b]) => a + b) },
);

export const numberText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TEXT) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: hostileText },
);

/** JSON numbers at and past every edge (JSON has no NaN: those become null, also worth sending). */
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 4, 5, 0.5, -0, 1e308, -1e308, 2 ** 53 + 1, 1e-7, 2024, 1988, 2101, Number.NaN),
  fc.integer(),
  fc.double(),
);

/** Ids of things of the right kind that exist (in this ward and others), in both cases, of other kinds, and ids that are not ids. */
export const ids = (own: readonly string[], all: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...own) },
    { weight: 2, arbitrary: fc.constantFrom(...own).map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...all) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom(...own).map((id) => `{${id}}`) },
    { weight: 1, arbitrary: hostileText },
  );

const DATES = ['2024-04-01', '2025-05-07', '2024-02-29', '2024-02-30', '2024-4-1', 'R7.5.7', '2024-07-01T09:00:00+09:00'];

/** A valid body for a schema, or one with one leaf replaced by something hostile. */
export function fromSchema(schema: JsonSchema | undefined, known: readonly string[], spoil: boolean): fc.Arbitrary<unknown> {
  const valid = validFor(schema, known, 0);
  if (!spoil) return valid;
  return valid.chain((value) => {
    const paths = leafPaths(value);
    return fc
      .tuple(fc.nat({ max: Math.max(paths.length - 1, 0) }), replacement)
      .map(([at, bad]) => (paths.length === 0 ? bad : replaceAt(value, paths[at]!, bad)));
  });
}

/** A string in a path or query, by its parameter's schema: plain, or hostile. */
export function parameterText(
  schema: JsonSchema | undefined,
  own: readonly string[],
  known: readonly string[],
  hostile: boolean,
): fc.Arbitrary<string> {
  const candidates = own.length > 0 ? own : known;
  if (!hostile) {
    if (schema?.format === 'uuid') return fc.constantFrom(...candidates);
    if (schema?.pattern?.includes('[0-9]')) return fc.constantFrom('1', '2', '3', '4', '2024', '2025');
    if (schema?.enum) return fc.constantFrom(...schema.enum.map(String));
    return plainText(schema ?? {}, known);
  }
  if (schema?.format === 'uuid') return ids(candidates, known);
  if (schema?.pattern?.includes('[0-9]')) return numberText;
  return fc.oneof(hostileText, numberText);
}

const replacement: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('目標', '西区'), hostileText).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(...DATES) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

function validFor(schema: JsonSchema | undefined, known: readonly string[], depth: number): fc.Arbitrary<unknown> {
  if (!schema || depth > 5) return fc.constant({});
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) return fc.oneof(...choices.map((choice) => validFor(choice, known, depth + 1)));
  switch (schema.type) {
    case 'object': {
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(schema.properties ?? {}).map(([key, child]) => {
        const entry = validFor(child, known, depth + 1).map((value) => [key, value] as const);
        return required.has(key) ? entry : fc.option(entry, { nil: undefined });
      });
      return fc.tuple(...entries).map((present) => Object.fromEntries(present.filter((entry) => entry !== undefined)));
    }
    case 'array':
      return fc.array(validFor(schema.items, known, depth + 1), { minLength: schema.minItems ?? 0, maxLength: 2 });
    case 'integer':
    case 'number':
      return fc.integer({
        min: Math.ceil(schema.minimum ?? 0),
        max: Math.floor(Math.min(schema.maximum ?? 100, (schema.minimum ?? 0) + 100)),
      });
    case 'string':
      return plainText(schema, known);
    default:
      return fc.constant(null);
  }
}

function plainText(schema: JsonSchema, known: readonly string[]): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.constantFrom(...known);
  if (schema.format === 'date-time') return fc.constantFrom('2024-07-01T09:00:00+09:00', '2099-03-31T23:59:59+09:00');
  if (schema.pattern?.includes('\\d{4}-')) return fc.constantFrom('2024-04-01', '2025-05-07', '2025-03-31');
  if (schema.format === 'email') return fc.constant('hanako@example.jp');
  if (schema.format === 'uri') return fc.constant('https://hooks.example.jp/x');
  return fc.constantFrom('西区', '東区', '地域課', '総務課', '目標', '530団体以上');
}

type Path = Array<string | number>;

function leafPaths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return [path, ...value.flatMap((item, i) => leafPaths(item, [...path, i]))];
  if (value !== null && typeof value === 'object')
    return [path, ...Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...path, key]))];
  return [path];
}

/** The value with the part at `path` replaced; at an object, a hostile key is added instead. */
function replaceAt(value: unknown, path: Path, spoil: unknown): unknown {
  if (path.length === 0) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof spoil === 'string')
      return { ...value, [spoil]: '目標' };
    return spoil;
  }
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = replaceAt(copy[head!], rest, spoil);
  return copy;
}

/** Wrong types, arrays for objects, deep nesting. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 500 }).map((depth) => nested(depth)) },
);

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** Body text that is not JSON at all, or is JSON with a trap in it. */
export const rawBodyText = fc.constantFrom(
  '',
  ' ',
  '{',
  '{"a":1,}',
  "{'a':1}",
  'null',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  `{"text":"${'あ'.repeat(400_000)}"}`,
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  '\uFEFF{"text":"x"}',
);

/**
 * A path segment as a client would put it on the wire: well-formed text percent-encoded, a lone
 * surrogate as the bytes a careless encoder writes (CESU-8), and encodings that are not UTF-8.
 */
export const segment = (text: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 15, arbitrary: text.map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%FF', '%C3%28', '%00', '%', '%G1', '%ED%A0%80', '..', '.') },
  );

export function encode(text: string): string {
  const parts = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g) ?? [];
  return parts
    .map((part) => (part.length === 1 && part >= '\uD800' && part <= '\uDFFF' ? cesu8(part.charCodeAt(0)) : encodeURIComponent(part)))
    .join('');
}

const cesu8 = (unit: number) =>
  [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');

/** Header values fetch can send (printable Latin-1: no controls, line breaks or NUL). */
export const headerText = fc.oneof(
  fc.constantFrom('*', '"1"', '"2"', 'W/"3"', '1', '"abc"', '"1", "2"', 'latest', ' * ', '""', '"-1"', '"99999999999999999999"'),
  fc
    .string({
      unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((u) => String.fromCharCode(u)),
      maxLength: 40,
    })
    .map((s) => s.trim()),
);
