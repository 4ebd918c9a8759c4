/**
 * The second half of `npm run build`: bundles tsc's output (dist/src) into dist/bundle, which
 * bin/crm.js runs. Why: a command loads ~60 of our modules (entities, repositories, its
 * operation), and on Node 20 each ES module costs a file lookup, a read and a compile of its
 * own; bundled, a command loads a handful of chunks (BENCHMARKS.md: start-up). Packages stay
 * external — MikroORM, pg and the SDKs load their own files at run time — and every dynamic
 * `import()` stays a chunk of its own, so `crm --help` still loads no ORM. The import worker is
 * an entry of its own beside the chunks: patient-import.worker-client finds it as
 * `./patient-import.worker.js` next to the chunk that holds the client.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
const result = await build({
  entryPoints: [
    'dist/src/cli.js',
    'dist/src/core/patients/patient-import.worker.js',
    'dist/src/core/db/embedded-service.main.js',
  ],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  // Maps back through tsc's maps to the TypeScript sources, for `--verbose` stack traces.
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});

// MikroORM with knex and pg, one CommonJS file that src/core/db/mikro-orm.ts requires when it
// finds it beside itself (scripts/mikro-orm-vendor.cjs says why). knex names every SQL dialect's
// driver in a require; those we never use stay external (and are never required).
const unusedDrivers = [
  'pg-native',
  'pg-query-stream',
  'mysql',
  'mysql2',
  'mariadb',
  'mariadb/*',
  'sqlite3',
  'better-sqlite3',
  'libsql',
  '@libsql/*',
  'tedious',
  'oracledb',
  'ts-node',
  '@mikro-orm/entity-generator',
  '@mikro-orm/seeder',
  '@mikro-orm/cli',
  '@mikro-orm/reflection',
  '@mikro-orm/mongodb',
  '@mikro-orm/mysql',
  '@mikro-orm/mariadb',
  '@mikro-orm/sqlite',
  '@mikro-orm/libsql',
  '@mikro-orm/mssql',
  '@mikro-orm/better-sqlite',
];
/**
 * MikroORM checks at start that its packages share core's version, which core reads with
 * `require('../../package.json')` (then `'../package.json'`) from its utils folder: paths that
 * mean something only in node_modules. Both are pointed at core's own package.json, so the bundle
 * carries the version it was built from (the other packages' versions are read from node_modules
 * at run time, as before).
 */
function ormVersionOfCore() {
  return {
    name: 'orm-version-of-core',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/(\.\.\/)?package\.json$/ }, (args) =>
        args.importer.endsWith(join('@mikro-orm', 'core', 'utils', 'Utils.js'))
          ? { path: resolve('node_modules/@mikro-orm/core/package.json') }
          : undefined,
      );
    },
  };
}

/**
 * pg asks, as it loads, whether it runs in a Cloudflare Worker: on Node 20, which has no
 * `navigator`, by touching the global `Response`, which makes Node load its whole fetch
 * implementation (undici) — 40–60 ms on an idle machine, several times that on a loaded one, a
 * tenth of a read through the embedded service (BENCHMARKS.md, session 10). crm runs on Node
 * only: the question is answered "no" in the bundle. The build fails if pg's code changes shape.
 */
function pgOnNode() {
  return {
    name: 'pg-on-node',
    setup(b) {
      b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const call = 'if (isCloudflareRuntime()) {';
        if (!source.includes(call)) throw new Error(`pg-on-node: ${args.path} no longer holds "${call}"`);
        return { contents: source.replace(call, 'if (false) {'), loader: 'js' };
      });
    },
  };
}

/**
 * MikroORM orders the entities it discovered by name with `localeCompare`; the first
 * `localeCompare` in a process sets up ICU's collator, 7 ms on Node 20 — a tenth of what a read
 * through the embedded service spends in our code after Node's own start (BENCHMARKS.md, session
 * 13). Our entity names are ASCII PascalCase, which sort the same by code unit; the order only
 * fixes the storage's insertion order. The build fails if the line changes shape.
 */
function entityOrderByCodeUnit() {
  return {
    name: 'entity-order-by-code-unit',
    setup(b) {
      b.onLoad(
        { filter: /[\\/]@mikro-orm[\\/]core[\\/]metadata[\\/]MetadataDiscovery\.js$/ },
        async (args) => {
          const source = await readFile(args.path, 'utf8');
          const sort = '.sort((a, b) => b.root.name.localeCompare(a.root.name))';
          if (!source.includes(sort))
            throw new Error(`entity-order-by-code-unit: ${args.path} no longer holds "${sort}"`);
          const byCodeUnit =
            '.sort((a, b) => (b.root.name < a.root.name ? -1 : b.root.name > a.root.name ? 1 : 0))';
          return { contents: source.replace(sort, byCodeUnit), loader: 'js' };
        },
      );
    },
  };
}

const vendor = await build({
  entryPoints: ['scripts/mikro-orm-vendor.cjs'],
  outfile: join(outdir, 'mikro-orm.vendor.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: unusedDrivers,
  plugins: [ormVersionOfCore(), pgOnNode(), entityOrderByCodeUnit()],
  // 4.0 MB -> 2.6 MB: every command that opens the database reads, hashes and hands V8 this
  // source, code cache or not (~10 ms of a read through the service, session 13). Whitespace only:
  // names stay as written, for stack traces and for code that reads a class's or function's name.
  minifyWhitespace: true,
  logLevel: 'warning',
  metafile: true,
});
Object.assign(result.metafile.outputs, vendor.metafile.outputs);

/**
 * V8's code cache of a vendor file, for Node 20 (src/core/db/vendor.ts loads it; Node 22+ has
 * its own compile cache). Made in a fresh `node` — V8 accepts a cache only from the same version
 * and flags — by compiling the file as vendor.ts does and running its top level, so the functions
 * its load runs are in the cache too (also running a discovery and a query build before making
 * MikroORM's gave no measurable gain: BENCHMARKS.md, session 11). Prefixed with the SHA-256 of
 * the source it was made from: a cache of another build is never used.
 */
function makeCodeCache(vendorFile) {
  const codeCache = spawnSync(
    process.execPath,
    [
      '-e',
      `const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');
const file = process.argv[1];
const source = readFileSync(file);
const script = new vm.Script(Module.wrap(source.toString('utf8')), {
  filename: file,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const module = new Module(file);
module.filename = file;
module.paths = Module._nodeModulePaths(dirname(file));
script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
const hash = createHash('sha256').update(source).digest();
writeFileSync(file + '.v8cache', Buffer.concat([hash, script.createCachedData()]));`,
      vendorFile,
    ],
    { stdio: 'inherit' },
  );
  if (codeCache.status !== 0) throw new Error(`bundle: could not make the code cache of ${vendorFile}`);
  result.metafile.outputs[`${vendorFile}.v8cache`] = {};
}
makeCodeCache(join(outdir, 'mikro-orm.vendor.cjs'));

// pg alone, for the reads that skip MikroORM (src/core/db/reader.ts): ~200 KB to load instead of
// MikroORM's 2.6 MB.
const pgVendor = await build({
  entryPoints: ['scripts/pg-vendor.cjs'],
  outfile: join(outdir, 'pg.vendor.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['pg-native'],
  plugins: [pgOnNode()],
  minifyWhitespace: true,
  logLevel: 'warning',
  metafile: true,
});
Object.assign(result.metafile.outputs, pgVendor.metafile.outputs);
makeCodeCache(join(outdir, 'pg.vendor.cjs'));

// Chunks are named by their content's hash, so a rebuild overwrites nothing a running `crm` may
// still import lazily (a long import started before a deploy). Chunks of earlier builds are
// removed once they are an hour old.
const current = new Set(Object.keys(result.metafile.outputs).map((out) => resolve(out)));
const anHourAgo = Date.now() - 3_600_000;
for (const name of readdirSync(outdir)) {
  const file = join(outdir, name);
  if (!current.has(resolve(file)) && statSync(file).mtimeMs < anHourAgo) rmSync(file, { force: true });
}
