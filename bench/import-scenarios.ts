/**
 * npm run bench:import-scenarios [-- --rows 200000] [--embedded]
 *
 * The patient import's other shapes of work, which bench:import (new patients with MRNs) does
 * not exercise: a file without MRNs (every row probed by phone and e-mail + name), and re-imports
 * where every row changes a value (the update path). Each is timed against the first, the import
 * of new patients with MRNs, in the same run; a ratio far above 1 means a path that does not
 * scale (session 4
 * found three: a re-import of 200,000 changed rows took 138 s, an MRN-less import 241 s).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs, countOption } from './args.js';
import { generatePatientsCsv } from './generate-patients.js';

const options = benchArgs({
  rows: { type: 'string', default: '200000' },
  embedded: { type: 'boolean', default: false },
});
const rows = countOption('rows', options.rows);
const embedded = options.embedded === true;
const root = join(import.meta.dirname, '..');
const dataDir = join(root, 'bench', 'data');
mkdirSync(dataDir, { recursive: true });
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = adminUrl.replace(/\/[^/]*$/, '/crm_bench_scenarios');

/** The file with column `index` of every data row replaced (or, with `drop`, removed). */
function rewrite(source: string, target: string, index: number, value: string | null): void {
  const lines = readFileSync(source, 'utf8').split('\n');
  const out = lines.map((line, i) => {
    if (line === '') return line;
    const cells = line.split(',');
    if (value === null) cells.splice(index, 1);
    else if (i > 0) cells[index] = value;
    return cells.join(',');
  });
  writeFileSync(target, out.join('\n'));
}

function freshDatabase(env: NodeJS.ProcessEnv): void {
  if (embedded) rmSync(env.CRM_DATA_DIR!, { recursive: true, force: true });
  else
    for (const sql of [
      'drop database if exists crm_bench_scenarios with (force)',
      'create database crm_bench_scenarios',
    ]) {
      const r = spawnSync('psql', [adminUrl, '-q', '-c', sql], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    }
  // Created and migrated before the clock starts (the embedded one too: `db migrate` opens it).
  spawnSync(process.execPath, [join(root, 'bin/crm.js'), 'db', 'migrate'], { env, stdio: 'ignore' });
}

async function importSeconds(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, 'bin/crm.js'), 'patient', 'import', file, '--json'], {
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0 && code !== 6) throw new Error(`crm patient import ${file} exited ${code}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const withMrn = join(dataDir, `patients-${rows}.csv`);
await generatePatientsCsv({ path: withMrn, rows, firstIndex: 0, seed: 1 });
const withMrnChanged = join(dataDir, `patients-${rows}-changed.csv`);
rewrite(withMrn, withMrnChanged, 7, 'ha'); // every row's language
const noMrn = join(dataDir, `patients-${rows}-no-mrn.csv`);
rewrite(withMrn, noMrn, 0, null);
const noMrnChanged = join(dataDir, `patients-${rows}-no-mrn-changed.csv`);
rewrite(withMrnChanged, noMrnChanged, 0, null);

const env: NodeJS.ProcessEnv = { ...process.env, CRM_OPERATOR: 'bench', NO_COLOR: '1' };
if (embedded) {
  env.CRM_DATA_DIR = join(dataDir, 'embedded-scenarios');
  delete env.DATABASE_URL;
} else env.DATABASE_URL = benchUrl;

const results: [string, number][] = [];
for (const [name, first, again] of [
  ['with MRNs', withMrn, withMrnChanged],
  ['without MRNs', noMrn, noMrnChanged],
] as const) {
  freshDatabase(env);
  const plain = await importSeconds(first, env);
  const changed = await importSeconds(again, env);
  results.push([`${name}: new patients`, plain]);
  results.push([`${name}: every row changed`, changed]);
}

console.log(`rows: ${rows.toLocaleString()} (${embedded ? 'embedded PGlite' : 'PostgreSQL'})`);
const baseline = results[0][1];
for (const [name, seconds] of results) {
  const ratio = seconds / baseline;
  console.log(
    `${name.padEnd(32)} ${seconds.toFixed(2).padStart(7)} s  ${Math.round(rows / seconds)
      .toLocaleString()
      .padStart(8)} rows/s  ×${ratio.toFixed(2)} the time of the first`,
  );
}
