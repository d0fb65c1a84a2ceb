/**
 * One-way layers (npm run lint:deps). A library imports only libraries in lower layers, and only
 * through their entries (libs/<name>/index.ts; the pure domains of sheets and access also through
 * libs/<name>/domain/index.ts, which the web app's bundle imports too). Inside a library, files
 * import each other freely, without cycles.
 * Tests may import any file: a test of a library's internals imports them where they are.
 */

/** Bottom to top: a library may import those of lower layers only (none of its own layer). */
const LAYERS = [
  ['api-client', 'config', 'immutable', 'municipality', 'queue'],
  ['database'],
  ['event-store'],
  ['http', 'runtime'],
  ['access', 'health', 'metrics', 'processors'],
  ['audit', 'sheets'],
  ['documents', 'reminders', 'summaries'],
  ['system'],
];

const ENTRIES = ['^libs/[^/]+/index\\.ts$', '^libs/sheets/domain/index\\.ts$', '^libs/access/domain/index\\.ts$'];

const layerRules = LAYERS.flatMap((layer, rank) => {
  const below = LAYERS.slice(0, rank).flat();
  return layer.map((name) => ({
    name: `layers-${name}`,
    comment: `libs/${name} may import only lower layers: ${below.join(', ') || 'none'}`,
    severity: 'error',
    from: { path: `^libs/${name}/` },
    to: { path: '^libs/', pathNot: [`^libs/(${[name, ...below].join('|')})/`] },
  }));
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'libs-are-listed',
      comment: 'every library has its place in LAYERS (.dependency-cruiser.cjs)',
      severity: 'error',
      from: { path: '^libs/', pathNot: `^libs/(${LAYERS.flat().join('|')})/` },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'no import cycle, between libraries or within one',
      severity: 'error',
      from: { path: '^(apps|libs|db)/' },
      to: { circular: true },
    },
    {
      name: 'entries-only',
      comment: "another library's files only through its entry (index.ts; sheets and access also domain/index.ts)",
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', ...ENTRIES] },
    },
    {
      name: 'apps-use-entries',
      comment: 'apps and migrations use a library only through its entry',
      severity: 'error',
      from: { path: '^(apps|db)/' },
      to: { path: '^libs/', pathNot: ENTRIES },
    },
    {
      name: 'libs-not-apps',
      comment: 'libraries never import an app',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-not-apps',
      comment: 'an app does not import another; only apps/shinchoku, the executable, runs the api and worker roles',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/shinchoku/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'migrations-from-system',
      comment: 'the migrations (db/) are run by libs/system alone: they read the domain, so a lower library cannot',
      severity: 'error',
      from: { path: '^libs/', pathNot: '^libs/system/' },
      to: { path: '^db/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: {
      archi: { collapsePattern: '^(libs|apps)/[^/]+|^db/' },
      text: { highlightFocused: true },
    },
  },
};
