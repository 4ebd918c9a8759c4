// The entry of dist/bundle/mikro-orm.vendor.cjs (scripts/bundle.mjs): MikroORM, knex and pg as
// one CommonJS file. Loaded as separate packages they are ~740 modules, each resolved, read and
// compiled on every database command; as one file, half the time (BENCHMARKS.md, session 9).
// The knex base classes and the migrations package are getters: bundled modules run only when
// first required, so a command that neither migrates nor opens the embedded database never runs
// umzug's code.
exports.core = require('@mikro-orm/core');
exports.postgres = require('@mikro-orm/postgresql');
Object.defineProperty(exports, 'knex', { get: () => require('@mikro-orm/knex') });
Object.defineProperty(exports, 'migrations', { get: () => require('@mikro-orm/migrations') });
