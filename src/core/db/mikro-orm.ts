/**
 * MikroORM's packages, loaded with `require`. They are CommonJS with a thin ESM wrapper; imported
 * from ESM, Node first scans every module they re-export for its export names
 * (cjs-module-lexer), a noticeable part of every database command's start (BENCHMARKS.md).
 * `require` loads the very same modules without the scan. Types still come from `import type`.
 *
 * Only code that opens the database reaches this module (`crm --help` never loads it).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const require = createRequire(import.meta.url);

interface MikroPackages {
  core: typeof import('@mikro-orm/core');
  postgres: typeof import('@mikro-orm/postgresql');
  knex: typeof import('@mikro-orm/knex');
  migrations: typeof import('@mikro-orm/migrations');
}

/**
 * The built CLI (dist/bundle) has MikroORM, knex and pg bundled into one file beside its chunks
 * (scripts/mikro-orm-vendor.cjs): one file instead of ~740 modules. Elsewhere (tsx, vitest) the
 * packages load from node_modules. Either way every MikroORM class comes from one copy.
 */
const vendorFile = fileURLToPath(new URL('./mikro-orm.vendor.cjs', import.meta.url));
const packages: MikroPackages = existsSync(vendorFile)
  ? loadVendor(vendorFile)
  : {
      core: require('@mikro-orm/core'),
      postgres: require('@mikro-orm/postgresql'),
      get knex() {
        return require('@mikro-orm/knex');
      },
      get migrations() {
        return require('@mikro-orm/migrations');
      },
    };

export const mikroCore = packages.core;
export const mikroPostgres = packages.postgres;

/** The migrations package (umzug and friends): only for applying or listing migrations. */
export const loadMikroMigrations = (): MikroPackages['migrations'] => packages.migrations;

/** The SQL driver base classes, for the embedded database's driver. */
export const loadMikroKnex = (): MikroPackages['knex'] => packages.knex;

/**
 * Loads the vendor file as `require` would, but on Node 20 with the V8 code cache the build made
 * for it (scripts/bundle.mjs): compiling the 4 MB of MikroORM, knex and pg is most of their load,
 * and the cache roughly halves it (BENCHMARKS.md, session 11). The cache is used only if it was
 * made from this very file (its first 32 bytes are the file's SHA-256; V8 itself checks only the
 * length) and V8 accepts it (same V8 version and flags); otherwise, or on Node 22+, whose own
 * compile cache bin/crm.js turns on, this is a plain `require`.
 */
function loadVendor(file: string): MikroPackages {
  // Beside the vendor file: the SHA-256 of the source it was made from, then V8's data.
  const cacheFile = `${file}.v8cache`;
  if ('enableCompileCache' in Module || !existsSync(cacheFile)) return require(file);
  const source = readFileSync(file);
  const cache = readFileSync(cacheFile);
  if (cache.length <= 32 || !createHash('sha256').update(source).digest().equals(cache.subarray(0, 32)))
    return require(file);
  const script = new vm.Script(Module.wrap(source.toString('utf8')), {
    filename: file,
    cachedData: cache.subarray(32),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(file),
  );
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module.exports as MikroPackages;
}
