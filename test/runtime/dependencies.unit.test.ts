import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { minVersion, satisfies } from 'semver';

interface LockEntry {
  version?: string;
  engines?: Record<string, string> | string[];
  optionalDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const ROOT = resolve(__dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
const manifest = read('package.json');
const lock: { packages: Record<string, LockEntry> } = read('package-lock.json');

/** npm's lookup: the package's own node_modules, then each enclosing one up to the root's. */
function locked(from: string, name: string): boolean {
  for (let dir = from; ;) {
    if (lock.packages[`${dir && `${dir}/`}node_modules/${name}`]) return true;
    if (!dir) return false;
    const nested = dir.lastIndexOf('/node_modules/');
    dir = nested < 0 ? '' : dir.slice(0, nested);
  }
}

describe('dependencies', () => {
  it('every locked package runs on the oldest Node that package.json admits', () => {
    const oldest = minVersion(manifest.engines.node)!.version;
    const refused = Object.entries(lock.packages).flatMap(([path, entry]) => {
      const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      return path && node && !satisfies(oldest, node) ? [`${path}@${entry.version} needs node ${node}`] : [];
    });
    expect(refused).toEqual([]);
  });

  it("the lockfile lists every platform's optional packages, so `npm ci` works on macOS and Windows too", () => {
    const missing = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !locked(path, name))
        .map((name) => `${name} (for ${path || 'the project'})`),
    );
    expect(missing).toEqual([]);
  });

  it('the lockfile was made from this package.json', () => {
    const root = lock.packages['']!;
    expect(root.dependencies).toEqual(manifest.dependencies);
    expect(root.devDependencies).toEqual(manifest.devDependencies);
    expect(root.engines).toEqual(manifest.engines);
  });
});
