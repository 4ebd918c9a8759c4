#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, run by `prepare`).
import module from 'node:module';

// Node 22.1+: V8 keeps the compiled code of every module it loads on disk (in the system's temp
// folder, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later commands
// skip most of the compiling of MikroORM, knex and our chunks. Node 20 has no such switch: there
// the MikroORM bundle carries a code cache made by the build (src/core/db/mikro-orm.ts).
// Before the CLI is imported, so that its modules are compiled with the cache on.
const compileCache = module.enableCompileCache?.();
// Node does not pass the switch on to child processes: the embedded database's service, which a
// command may start, gets the folder through the environment and compiles PGlite from it too.
if (compileCache?.directory && !process.env.NODE_COMPILE_CACHE)
  process.env.NODE_COMPILE_CACHE = compileCache.directory;
const { main } = await import('../dist/bundle/cli.js');

main(process.argv);
