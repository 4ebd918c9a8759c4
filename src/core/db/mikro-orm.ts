/**
 * MikroORM's packages, loaded with `require`. They are CommonJS with a thin ESM wrapper; imported
 * from ESM, Node first scans every module they re-export for its export names
 * (cjs-module-lexer), a noticeable part of every database command's start (BENCHMARKS.md).
 * `require` loads the very same modules without the scan. Types still come from `import type`.
 *
 * Only code that opens the database reaches this module (`crm --help` never loads it).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const mikroCore: typeof import('@mikro-orm/core') = require('@mikro-orm/core');
export const mikroPostgres: typeof import('@mikro-orm/postgresql') = require('@mikro-orm/postgresql');

/** The migrations package (umzug and friends): only for applying or listing migrations. */
export const loadMikroMigrations = (): typeof import('@mikro-orm/migrations') =>
  require('@mikro-orm/migrations');

/** The SQL driver base classes, for the embedded database's driver. */
export const loadMikroKnex = (): typeof import('@mikro-orm/knex') => require('@mikro-orm/knex');
