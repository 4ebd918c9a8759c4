/**
 * MikroORM's packages, loaded with `require`. They are CommonJS with a thin ESM wrapper; imported
 * from ESM, Node first scans every module they re-export for its export names
 * (cjs-module-lexer), a noticeable part of every database command's start (BENCHMARKS.md).
 * `require` loads the very same modules without the scan. Types still come from `import type`.
 *
 * Only code that opens the database reaches this module (`crm --help` never loads it).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadVendor } from './vendor.js';

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
  ? loadVendor<MikroPackages>(vendorFile)
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
