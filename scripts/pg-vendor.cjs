// The entry of dist/bundle/pg.vendor.cjs (scripts/bundle.mjs): pg alone, for the reads that run
// without MikroORM (src/core/db/reader.ts). From node_modules, pg is ~40 modules, and on Node 20
// its load also pulls in Node's fetch (see pgOnNode in bundle.mjs): ~70 ms of a ~100 ms read.
module.exports = require('pg');
