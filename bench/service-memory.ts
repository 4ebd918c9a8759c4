/**
 * tsx bench/service-memory.ts [--rows N] — resident memory of the embedded database's service
 * (CRM_EMBEDDED_SERVICE=1): at rest after start-up, and its peak (VmHWM) and the importing
 * command's peak during a patient import of N rows (default 1,000,000). Linux only (/proc).
 * Run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, countOption } from './args.js';
import { generatePatientsCsv } from './generate-patients.js';

const args = benchArgs({ rows: { type: 'string', default: '1000000' } });
const rows = countOption('rows', args.rows);
const bin = join(import.meta.dirname, '..', 'bin', 'crm.js');
const root = mkdtempSync(join(tmpdir(), 'crm-bench-svcmem-'));
const env: NodeJS.ProcessEnv = { ...process.env, CRM_EMBEDDED_SERVICE: '1', CRM_DATA_DIR: join(root, 'db') };
delete env.DATABASE_URL;

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
function procKb(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}
function crm(...argv: string[]): { ms: number; maxRssKb: number } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, ...argv], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0 && r.status !== 6) throw new Error(`crm ${argv.join(' ')} failed: ${r.stderr}`);
  return { ms: Date.now() - t, maxRssKb: Number(r.stderr.trim().split('\n').at(-1)) };
}

try {
  const file = join(root, 'patients.csv');
  await generatePatientsCsv({ path: file, rows, firstIndex: 0, seed: 1 });
  crm('db', 'migrate');
  const { pid } = JSON.parse(readFileSync(join(env.CRM_DATA_DIR!, 'crm.service'), 'utf8')) as { pid: number };
  console.log(`service at rest after start-up and migrations: RSS ${mb(procKb(pid, 'VmRSS'))}`);
  // Exit 6: the generated file holds ~2% invalid rows, rejected as they should be.
  const run = crm('patient', 'import', file, '--json');
  console.log(
    `import of ${rows} rows: ${(run.ms / 1000).toFixed(1)} s; the command's peak RSS ${mb(run.maxRssKb)}`,
  );
  console.log(
    `service: peak RSS ${mb(procKb(pid, 'VmHWM'))} (start-up included), RSS after the import ${mb(procKb(pid, 'VmRSS'))}`,
  );
} finally {
  spawnSync(process.execPath, [bin, 'db', 'stop'], { env });
  rmSync(root, { recursive: true, force: true });
}
