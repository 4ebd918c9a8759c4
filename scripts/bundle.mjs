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
import { readdirSync, rmSync, statSync } from 'node:fs';
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

// Chunks are named by their content's hash, so a rebuild overwrites nothing a running `crm` may
// still import lazily (a long import started before a deploy). Chunks of earlier builds are
// removed once they are an hour old.
const current = new Set(Object.keys(result.metafile.outputs).map((out) => resolve(out)));
const anHourAgo = Date.now() - 3_600_000;
for (const name of readdirSync(outdir)) {
  const file = join(outdir, name);
  if (!current.has(resolve(file)) && statSync(file).mtimeMs < anHourAgo) rmSync(file, { force: true });
}
