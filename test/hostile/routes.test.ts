import fc from 'fast-check';
import { startApi, TEST_TOKEN, type TestApi } from '../support/api';
import { eventCount, issueToken, ok, WEST_CHIIKI_GRANTS } from '../support/access';
import * as hostile from './arbitraries';
import type { JsonSchema } from './arbitraries';

/**
 * #13 item 15: every route the application serves, with every kind of caller, gets generated
 * hostile paths, queries, headers and bodies. Whatever comes in: no 5xx, every 4xx is a problem,
 * and a refused request appends no event. Routes are read from the running application, so a
 * new route is covered without touching this file. HOSTILE_SEED and HOSTILE_RUNS replay or widen.
 */
const SEED = Number(process.env.HOSTILE_SEED ?? 13_2026);
const RUNS_PER_ROUTE = Number(process.env.HOSTILE_RUNS ?? 200);

interface Operation {
  parameters?: Array<{ name: string; in: string; schema?: JsonSchema }>;
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}
interface Route {
  method: string;
  url: string;
  operation: Operation | undefined;
}

let api: TestApi;
let routes: Route[];
let openApiOperations: string[];
/** Ids that exist, by the name of the parameter that takes them, and all of them. */
let idsByName: Record<string, string[]>;
let known: string[];
let callers: Record<string, Record<string, string>>;

beforeAll(async () => {
  api = await startApi({ RATE_LIMIT_MAX: '1000000' });
  const bearer = async (grant: (typeof WEST_CHIIKI_GRANTS)[keyof typeof WEST_CHIIKI_GRANTS]) => ({
    authorization: `Bearer ${(await issueToken(api, [grant])).token}`,
  });
  callers = {
    bootstrap: { authorization: `Bearer ${TEST_TOKEN}` },
    admin: await bearer(WEST_CHIIKI_GRANTS.admin),
    coordinator: await bearer(WEST_CHIIKI_GRANTS.coordinator),
    editor: await bearer(WEST_CHIIKI_GRANTS.editor),
    viewer: await bearer(WEST_CHIIKI_GRANTS.viewer),
    none: {},
    badToken: { authorization: `Bearer shk_${'A'.repeat(43)}` },
  };
  idsByName = await someOfEverything();
  known = Object.values(idsByName).flat();
  const document = (await (await fetch(`${api.url}/docs-json`)).json()) as { paths: Record<string, Record<string, Operation>> };
  openApiOperations = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
  routes = servedRoutes(api.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false })).map(({ method, url }) => ({
    method,
    url,
    operation: document.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()],
  }));
});
afterAll(() => api.close());

/** Sheets, goals, indicators, ward plans, contacts and tokens in the callers' ward and in another. */
async function someOfEverything(): Promise<Record<string, string[]>> {
  const west = await api.smallSheet('地域課', '西区の環境美化を推進します。', { name: '清掃参加団体数', target: '530団体以上' });
  const east = await ok(
    api.call('POST', '/api/v1/sheets', { fiscalYear: 2024, department: '東区', unit: '総務課', createdOn: '2024-04-01' }),
  );
  const eastGoal = await ok(api.call('POST', `/api/v1/sheets/${east.sheetId}/goals`, { text: '東区の目標' }));
  const eastIndicator = await ok(
    api.call('POST', `/api/v1/sheets/${east.sheetId}/goals/${eastGoal.goalId}/indicators`, { name: '件数', target: '10件' }),
  );
  const plans = await Promise.all(
    ['西区', '東区'].map((department) =>
      ok(api.call('POST', '/api/v1/ward-plans', { department, fiscalYear: 2024, priorityGoals: [{ no: 1, text: '安心' }] })),
    ),
  );
  const contacts = await Promise.all(
    ['西区', '東区'].map((department) =>
      ok(api.call('POST', '/api/v1/contacts', { department, unit: '地域課', name: '担当 花子', role: '担当' })),
    ),
  );
  // Tokens only to be revoked: the callers' own would end the run early.
  const spare = await issueToken(api, [{ role: 'viewer' }]);
  return {
    sheetId: [west.sheetId, east.sheetId],
    goalId: [west.goalId, eastGoal.goalId],
    indicatorId: [west.indicatorId, eastIndicator.indicatorId],
    wardPlanId: plans.map((p) => p.wardPlanId),
    contactId: contacts.map((c) => c.contactId),
    tokenId: [spare.tokenId],
  };
}

/** Fastify's route tree as printed (one line per node, four columns per level), flattened; HEAD comes with GET. */
function servedRoutes(tree: string): Array<{ method: string; url: string }> {
  const prefix: string[] = [];
  return tree.split('\n').flatMap((line) => {
    const node = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) return [];
    prefix.length = node[1]!.length / 4;
    prefix.push(node[2]!);
    const url = prefix.join('');
    return (node[3]?.split(', ') ?? []).filter((method) => method !== 'HEAD').map((method) => ({ method, url }));
  });
}

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string | undefined }
  | { kind: 'raw'; text: string; contentType: string | undefined }
  | { kind: 'multipart'; field: string; filename: string; bytes: Uint8Array };

interface HostileRequest {
  caller: string;
  path: string;
  query: string;
  body: Body;
  ifMatch: string | undefined;
  idempotencyKey: string | undefined;
}

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/problem+json',
    ),
  },
);
/** A header now and then: mostly absent, as from most clients. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** Where a request is hostile: one place at a time, so the rest gets past the checks before it. */
const PLACES = ['path', 'query', 'body', 'headers', 'nowhere'] as const;

function requests(route: Route): fc.Arbitrary<HostileRequest> {
  const takesBody = route.operation?.requestBody !== undefined;
  const place = fc.oneof(
    ...PLACES.map((arbitrary) => ({ weight: arbitrary === 'body' && takesBody ? 4 : 1, arbitrary: fc.constant(arbitrary) })),
  );
  return place.chain((place) => {
    const parameter = (name: string) => route.operation?.parameters?.find((p) => p.name === name)?.schema;
    const segments = route.url.split('/').map((part) => {
      if (part === '*') return hostile.segment(hostile.hostileText);
      if (!part.startsWith(':')) return fc.constant(part);
      const name = part.slice(1);
      const text = hostile.parameterText(parameter(name), idsByName[name] ?? [], known, place === 'path');
      return place === 'path' ? hostile.segment(text) : text.map(hostile.encode);
    });
    return fc.record({
      caller: fc.constantFrom(...Object.keys(callers)),
      path: fc.tuple(...segments).map((parts) => parts.join('/')),
      query: queries(route.operation, place === 'query'),
      body: route.method === 'GET' ? fc.constant<Body>({ kind: 'none' }) : bodies(route.operation, place === 'body'),
      ifMatch: place === 'headers' ? sometimes(hostile.headerText) : fc.constant(undefined),
      idempotencyKey: place === 'headers' ? sometimes(hostile.headerText) : fc.constant(undefined),
    });
  });
}

function queries(operation: Operation | undefined, spoil: boolean): fc.Arbitrary<string> {
  const declared = (operation?.parameters ?? []).filter((p) => p.in === 'query');
  const declaredPair = declared.map((p) =>
    hostile.parameterText(p.schema, idsByName[p.name] ?? [], known, spoil).map((value) => `${p.name}=${hostile.encode(value)}`),
  );
  const plain = declaredPair.length > 0 ? fc.array(fc.oneof(...declaredPair), { maxLength: 2 }) : fc.constant([]);
  const spoiled = fc.oneof(
    ...(declaredPair.length > 0 ? [{ weight: 4, arbitrary: fc.oneof(...declaredPair) }] : []),
    { weight: 1, arbitrary: hostile.hostileText.map((name) => `${hostile.encode(name)}=1`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('x=%FF', 'limit=1&limit=2', 'a[b]=1', '=', '&&', 'department=%C3%28', `x=${'%E3%81%82'.repeat(3_000)}`),
    },
  );
  return (spoil ? fc.array(spoiled, { minLength: 1, maxLength: 2 }) : plain).map((pairs) =>
    pairs.length === 0 ? '' : `?${pairs.join('&')}`,
  );
}

function bodies(operation: Operation | undefined, spoil: boolean): fc.Arbitrary<Body> {
  const content = operation?.requestBody?.content ?? {};
  const json = content['application/json'];
  const multipart = content['multipart/form-data'];
  const file = fc.record({
    kind: fc.constant('multipart' as const),
    field: fc.constant('file'),
    filename: fc.constant('sheet.xlsx'),
    bytes: fc.uint8Array({ maxLength: 4_000 }),
  });
  if (!spoil) {
    if (json)
      return fc.record({
        kind: fc.constant('json' as const),
        value: hostile.fromSchema(json.schema, known, false),
        contentType: fc.constant('application/json'),
      });
    return multipart ? file : fc.constant({ kind: 'none' as const });
  }
  return fc.oneof(
    {
      weight: json ? 6 : 1,
      arbitrary: fc.record({
        kind: fc.constant('json' as const),
        value: json ? hostile.fromSchema(json.schema, known, true) : hostile.anyJson,
        contentType,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('json' as const), value: hostile.anyJson, contentType }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), text: hostile.rawBodyText, contentType }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.constant(undefined), contentType }) },
    ...(multipart
      ? [
          {
            weight: 4,
            arbitrary: fc.record({
              kind: fc.constant('multipart' as const),
              field: fc.constantFrom('file', 'files', ''),
              filename: hostile.hostileText,
              bytes: fc.uint8Array({ maxLength: 4_000 }),
            }),
          },
        ]
      : []),
  );
}

function send(route: Route, request: HostileRequest): Promise<Response> {
  const headers: Record<string, string> = { ...callers[request.caller] };
  if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  let body: string | FormData | undefined;
  const { body: given } = request;
  if (given.kind === 'json' || given.kind === 'raw') {
    body = given.kind === 'json' ? JSON.stringify(given.value) : given.text;
    if (given.contentType) headers['content-type'] = given.contentType;
  } else if (given.kind === 'multipart') {
    body = new FormData();
    body.append(given.field, new Blob([given.bytes]), given.filename.replace(/[\uD800-\uDFFF]/g, '?'));
  }
  return fetch(`${api.url}${request.path}${request.query}`, {
    method: route.method,
    headers,
    ...(body !== undefined && { body }),
    redirect: 'manual',
  }).catch((error: Error) => {
    throw new Error(`${error.message}: ${String((error.cause as Error | undefined)?.message ?? error.cause)}`);
  });
}

describe('every route, every caller, hostile input', () => {
  it('finds every route of the OpenAPI document among the routes served', () => {
    expect(routes.length).toBeGreaterThan(30);
    const served = new Set(routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    expect(openApiOperations.filter((operation) => !served.has(operation))).toEqual([]);
  });

  it('answers no 5xx, every refusal a problem, and no refused request appends an event', async () => {
    const reached = new Map<string, number>();
    for (const [index, route] of routes.entries()) {
      const name = `${route.method} ${route.url}`;
      const seed = SEED + index;
      await fc
        .assert(
          fc.asyncProperty(requests(route), async (request) => {
            const before = await eventCount(api);
            const response = await send(route, request);
            const text = await response.text();
            const after = await eventCount(api);
            const answer = `${response.status} ${response.headers.get('content-type')} ${text.slice(0, 300)}`;
            if (response.status >= 500) throw new Error(`server error: ${answer}`);
            if (response.status >= 400) {
              if (!response.headers.get('content-type')?.startsWith('application/problem+json'))
                throw new Error(`refusal that is not a problem: ${answer}`);
              if ((JSON.parse(text) as { status: number }).status !== response.status)
                throw new Error(`problem with another status: ${answer}`);
              if (after !== before) throw new Error(`refused, yet ${after - before} event(s) appended: ${answer}`);
            }
            if (!/RouteNotFound|InvalidUrl/.test(text)) reached.set(name, (reached.get(name) ?? 0) + 1);
          }),
          { seed, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        )
        .catch((error: Error) => {
          throw new Error(
            `${name} (HOSTILE_SEED=${SEED}, this route's seed ${seed}): ${shortened(`${error.message}\nCause: ${(error.cause as Error | undefined)?.message}`)}`,
          );
        });
    }
    // A route whose every request missed it (a path built wrong) was not tested at all.
    expect(routes.map((r) => `${r.method} ${r.url}`).filter((name) => !reached.has(name))).toEqual([]);
  }, 600_000);
});

/** Counterexamples hold strings of a megabyte: each long run is cut so the reason stays readable. */
const shortened = (message: string) => message.replace(/([^"]{200})[^"]{200,}/g, '$1…');
