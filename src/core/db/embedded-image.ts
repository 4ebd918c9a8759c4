import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { checkFileManifest } from './embedded-manifest.js';

/**
 * The migrated embedded database, built once with the package (`npm run build`,
 * scripts/embedded-image.mjs) and restored into a new data folder in place of initdb and every
 * migration (issue 18: the first command on a fresh folder took ~70× `node -e 0`, almost all of
 * it initdb and 20 migrations in WebAssembly; restoring is a gunzip and ~590 file writes).
 *
 * The image is a gzipped tar (`tar tzf` lists it) of a folder that `crm db migrate` created and
 * closed cleanly: `crm-image.json` (which PGlite built it), `pgdata.sizes` (the manifest of that
 * close, embedded-manifest.ts) and `pgdata/`. A restore unpacks it into a private folder beside
 * the database's, checks the files against the manifest (a damaged image is never opened), and
 * renames `pgdata` into place in one step, so a restore killed midway leaves no half database.
 * PGlite's own `loadDataDir` does the same job through its WebAssembly file system, measured
 * slower; its `dumpDataDir` is not used to build, since it does not carry the manifest.
 *
 * Migrations newer than the image are applied by the usual migrate-on-open; a missing image, or
 * one built by another PGlite, is ignored (initdb and every migration, as before).
 */
export const IMAGE_FILE = 'embedded-image.tar.gz';
/** A restore's private folder beside `pgdata` (embedded-folder.ts counts it among crm's own). */
export const RESTORE_PREFIX = 'crm.restore.';
const META = 'crm-image.json';
const MANIFEST = 'pgdata.sizes';
/**
 * Bump when the layout or the way it is made changes: the build then makes a new image.
 * 2: without the template databases (scripts/embedded-image.mjs).
 */
export const IMAGE_FORMAT = 2;

export interface ImageMeta {
  format: number;
  pglite: string;
  /** What the image was built from (scripts/embedded-image.mjs): rebuilt when it changes. */
  key: string;
}

/** The version of the PGlite this process loads (its package.json is not exported: found beside its entry). */
export function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  let at = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(at, 'package.json')) && dirname(at) !== at) at = dirname(at);
  return (JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `dist/embedded-image.tar.gz` of this package, found from this module whether it runs bundled
 * (dist/bundle), as tsc's output (dist/src, which the service runs under tests) or from the
 * sources (tests): the package's root is the first folder above holding a package.json.
 */
export function imagePath(): string | undefined {
  let at = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(at, 'package.json'))) {
    if (dirname(at) === at) return undefined;
    at = dirname(at);
  }
  return join(at, 'dist', IMAGE_FILE);
}

// ---- tar (ustar: regular files and folders, names of up to 255 bytes) ----

const BLOCK = 512;

function header(name: string, size: number, type: '0' | '5', mode: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  h.write(base, 0, 100);
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function field(h: Buffer, at: number, width: number): string {
  const raw = h.subarray(at, at + width);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? width : end).toString('utf8');
}

/** Packs `dir`'s `crm-image.json`, `pgdata.sizes` and `pgdata/` (build time). */
export function packImage(dir: string, out: string, meta: ImageMeta): void {
  const parts: Buffer[] = [];
  const file = (name: string, data: Buffer) => {
    parts.push(header(name, data.length, '0', 0o600), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  };
  file(META, Buffer.from(JSON.stringify(meta)));
  file(MANIFEST, readFileSync(join(dir, MANIFEST)));
  const walk = (rel: string) => {
    parts.push(header(`${rel}/`, 0, '5', 0o700));
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = join(dir, rel, name);
      if (statSync(path).isDirectory()) walk(`${rel}/${name}`);
      else file(`${rel}/${name}`, readFileSync(path));
    }
  };
  walk('pgdata');
  parts.push(Buffer.alloc(BLOCK * 2));
  writeFileSync(`${out}.tmp`, gzipSync(Buffer.concat(parts), { level: 6 }));
  renameSync(`${out}.tmp`, out);
}

/** The image's metadata, or undefined when it cannot be read. */
export function readImageMeta(path: string): ImageMeta | undefined {
  try {
    const tar = gunzipSync(readFileSync(path));
    if (field(tar, 0, 100) !== META) return undefined;
    return JSON.parse(tar.subarray(BLOCK, BLOCK + Number.parseInt(field(tar, 124, 12), 8)).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Unpacks the image into `into` (a new folder): files 0600, folders 0700, paths only below it.
 * Returns the image's metadata.
 */
function unpack(tar: Buffer, into: string): ImageMeta {
  let meta: ImageMeta | undefined;
  for (let at = 0; at + BLOCK <= tar.length; ) {
    const h = tar.subarray(at, at + BLOCK);
    if (h[0] === 0) break;
    const prefix = field(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(h, 0, 100);
    const size = Number.parseInt(field(h, 124, 12), 8);
    const type = field(h, 156, 1) || '0';
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (name.split('/').some((part) => part === '..') || name.startsWith('/'))
      throw new Error(`the database image holds a path outside its folder: ${name}`);
    if (name === META) {
      meta = JSON.parse(data.toString('utf8')) as ImageMeta;
      if (meta.format !== IMAGE_FORMAT || meta.pglite !== pgliteVersion())
        throw new Error(`the database image was built by another PGlite (${meta.pglite}) or layout`);
      continue;
    }
    const path = join(into, ...name.split('/').filter(Boolean));
    if (type === '5') mkdirSync(path, { recursive: true, mode: 0o700 });
    else if (type === '0') writeFileSync(path, data, { mode: 0o600, flag: 'wx' });
    else throw new Error(`the database image holds an entry of type ${type}: ${name}`);
  }
  if (!meta) throw new Error('the database image has no crm-image.json');
  return meta;
}

/**
 * Restores the package's image as `dir/pgdata` (the caller holds the folder's lock and found no
 * database there). True when restored; false, leaving the folder as it was, when there is no
 * usable image (the caller then lets PGlite run initdb, and migrations run on open).
 */
export function restoreImage(dir: string, path = imagePath()): boolean {
  if (!path || !existsSync(path)) return false;
  // Left by a restore that was killed: the lock is ours now.
  for (const name of readdirSync(dir))
    if (name.startsWith(RESTORE_PREFIX)) rmSync(join(dir, name), { recursive: true, force: true });
  const into = join(dir, `${RESTORE_PREFIX}${process.pid}`);
  try {
    mkdirSync(into, { mode: 0o700 });
    // 1 MB output chunks: the tar is ~28 MB; the default 16 kB makes ~1,700 pieces to join.
    unpack(gunzipSync(readFileSync(path), { chunkSize: 1 << 20 }), into);
    if (!existsSync(join(into, MANIFEST))) throw new Error('the database image has no manifest');
    // Throws if a file differs from the image's manifest; removes the manifest when all match.
    checkFileManifest(into);
    renameSync(join(into, 'pgdata'), join(dir, 'pgdata'));
    return true;
  } catch {
    // An unusable image costs the old way, never the database: initdb follows.
    return false;
  } finally {
    rmSync(into, { recursive: true, force: true });
  }
}
