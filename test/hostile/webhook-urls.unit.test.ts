import fc from 'fast-check';
import { webhookUrlRefusal, type WebhookRules } from '@shinchoku/reminders/domain/webhook-address';

/**
 * Webhook URLs an attacker would write to reach inside the network: every address of the ranges
 * that are not public, in every spelling the URL parser (and so the HTTP client) accepts.
 */
const RULES: WebhookRules = { allowHttp: true, allowedHosts: [] };

const INSIDE_V4: Array<[number, number]> = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0xc6120000, 15],
  [0xe0000000, 4],
  [0xf0000000, 4],
];

const insideV4 = fc
  .constantFrom(...INSIDE_V4)
  .chain(([network, prefix]) => fc.integer({ min: 0, max: 2 ** (32 - prefix) - 1 }).map((host) => (network + host) >>> 0));

const bytes = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** One 32-bit address in the forms WHATWG URLs read as IPv4: dotted, one number, hex, octal, short forms, mixed. */
const spelled = (n: number): fc.Arbitrary<string> => {
  const [a, b, c, d] = bytes(n) as [number, number, number, number];
  const part = (value: number) =>
    fc.constantFrom(String(value), `0x${value.toString(16)}`, `0X${value.toString(16).toUpperCase()}`, `0${value.toString(8)}`);
  return fc.oneof(
    fc.tuple(part(a), part(b), part(c), part(d)).map((parts) => parts.join('.')),
    part(n),
    fc.tuple(part(a), part((b << 16) | (c << 8) | d)).map((parts) => parts.join('.')),
    fc.tuple(part(a), part(b), part((c << 8) | d)).map((parts) => parts.join('.')),
    fc.constant(`[::ffff:${a}.${b}.${c}.${d}]`),
    fc.constant(`[0:0:0:0:0:ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}]`),
  );
};

const url = (host: fc.Arbitrary<string>) =>
  fc
    .tuple(
      fc.constantFrom('http', 'https', 'HTTPS'),
      host,
      fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      fc.constantFrom('/', '/hook?x=1', '#f'),
    )
    .map(([scheme, h, port, rest]) => `${scheme}://${h}${port === undefined ? '' : `:${port}`}${rest}`);

describe('webhook URLs that point inside', () => {
  it('are refused for every address of a private, loopback, link-local, shared, reserved or multicast range, however written', () => {
    fc.assert(
      fc.property(url(insideV4.chain(spelled)), (text) => {
        expect(webhookUrlRefusal(text, RULES)).toMatch(/is not a public address/);
      }),
      { numRuns: 2_000 },
    );
  });

  it('are refused for IPv6 loopback, unspecified, unique-local, link-local and multicast, compressed or not', () => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((g) => g.toString(16));
    const inside = fc.oneof(
      fc.constantFrom('::1', '::', '0:0:0:0:0:0:0:1', '0000:0000:0000:0000:0000:0000:0000:0001'),
      fc
        .tuple(fc.integer({ min: 0xfc00, max: 0xfdff }), fc.array(group, { minLength: 7, maxLength: 7 }))
        .map(([first, rest]) => [first.toString(16), ...rest].join(':')),
      fc.tuple(fc.integer({ min: 0xfe80, max: 0xfebf }), group).map(([first, last]) => `${first.toString(16)}::${last}`),
      fc.tuple(fc.integer({ min: 0xff00, max: 0xffff }), group).map(([first, last]) => `${first.toString(16)}::${last}`),
    );
    fc.assert(
      fc.property(url(inside.map((address) => `[${address}]`)), (text) => {
        expect(webhookUrlRefusal(text, RULES)).toMatch(/is not a public address/);
      }),
      { numRuns: 1_000 },
    );
  });

  it('are refused for local names: localhost and its subdomains, names without a dot, and local suffixes', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    const name = fc.oneof(
      fc.constantFrom('localhost', 'LOCALHOST', 'localhost.'),
      label,
      fc
        .tuple(label, fc.constantFrom('localhost', 'local', 'internal', 'intranet', 'lan', 'home.arpa'))
        .map(([l, suffix]) => `${l}.${suffix}`),
    );
    fc.assert(
      fc.property(url(name), (text) => {
        expect(webhookUrlRefusal(text, RULES)).toMatch(/is a local host name/);
      }),
    );
  });

  it('and any scheme but https: (http: only when allowed) is refused', () => {
    const scheme = fc.constantFrom('file', 'ftp', 'gopher', 'data', 'javascript', 'ws', 'wss', 'dict', 'ldap');
    fc.assert(
      fc.property(scheme, (s) => {
        expect(webhookUrlRefusal(`${s}://hooks.example.jp/x`, RULES)).toMatch(/must be an http/);
        expect(webhookUrlRefusal('http://hooks.example.jp/x', { allowHttp: false, allowedHosts: [] })).toMatch(/must be an https:\/\/ URL/);
      }),
    );
  });
});
