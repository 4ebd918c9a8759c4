import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDemo, DEMO_OPERATORS, type DemoResult, demoState } from '../../core/demo/build-demo.js';
import { DEFAULT_DEMO_PATIENTS, DEFAULT_DEMO_SEED } from '../../core/demo/demo-plan.js';
import { UsageError } from '../../core/errors.js';
import { loadMessagingConfig } from '../../core/messaging/messaging.config.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';
import { printDashboard } from '../analytics/dashboard.js';

interface Flags extends GlobalFlags {
  patients?: string;
  seed?: string;
  reset?: boolean;
}

/** Written in the working folder at the end of a run that built the data. */
const REPORT_FILE = 'crm-demo-report.html';

/** Above this the embedded database takes minutes; PostgreSQL copes with more. */
const MAX_PATIENTS = 200_000;

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const patients = intFlag(flags.patients, '--patients', { min: 1 }) ?? DEFAULT_DEMO_PATIENTS;
  if (patients > MAX_PATIENTS)
    throw new UsageError(`--patients: at most ${MAX_PATIENTS.toLocaleString('en-NG')}, got ${patients}`);
  const seed = intFlag(flags.seed, '--seed') ?? DEFAULT_DEMO_SEED;
  if (flags.reset) await reset(ctx, flags);
  const started = Date.now();
  const step = (text: string) =>
    ctx.io.stderr.write(`crm demo: [${((Date.now() - started) / 1000).toFixed(1)} s] ${text}…\n`);
  const result = await ctx.withServices((svc) =>
    buildDemo(svc, { seed, patients, messaging: loadMessagingConfig(ctx.config.env), onStep: step }),
  );
  // The report of the month the demo paid, in the folder the command runs in (where a new user
  // looks for it); a folder that cannot be written to costs the report, not the demo.
  let htmlReport: string | null = null;
  if (!result.alreadyExisted && result.payouts) {
    const period = result.payouts.period;
    const file = resolve(REPORT_FILE);
    try {
      step('the HTML report');
      const { writeDashboardReport } = await import('../../core/analytics/html-report.js');
      await ctx.withServices((svc) => writeDashboardReport(svc, file, { period }));
      htmlReport = file;
    } catch (error) {
      ctx.io.stderr.write(
        `crm demo: warning: no HTML report (${error instanceof Error ? error.message : String(error)}); make one with crm analytics dashboard --period ${period} --html FILE\n`,
      );
    }
  }
  if (ctx.json) return printJson(ctx, { ...result, htmlReport });
  if (result.alreadyExisted) {
    ctx.print(
      `The demo data already exist here (${result.counts.hospitals} hospitals, ${result.counts.patients.toLocaleString('en-NG')} patients): nothing was changed.`,
    );
    ctx.print('See them with `crm analytics dashboard`, or start over with `crm demo --reset`.');
    return;
  }
  await printSummary(ctx, result);
  ctx.io.stderr.write(`crm demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (htmlReport) ctx.print(`\nHTML report: ${htmlReport}`);
}

/**
 * --reset on the embedded database: the folder is emptied (after a check that it holds nothing but
 * the demo's data) and the run creates a new database there. On PostgreSQL crm never drops data
 * in bulk: the operator re-creates the database.
 */
async function reset(ctx: CommandContext, flags: Flags): Promise<void> {
  if (ctx.config.databaseUrl)
    throw new UsageError(
      '--reset works on the embedded database only: on PostgreSQL, drop and re-create the database (dropdb, createdb, crm db migrate), then run crm demo',
    );
  const dir = ctx.config.dataDir;
  const { inspectDataDir } = await import('../../core/db/embedded-folder.js');
  if (inspectDataDir(dir).kind !== 'database') return;
  // Refuses (exit 5) a database holding anything but the demo's data.
  const state = await ctx.withServices((svc) => demoState(svc));
  if (state === 'empty') return;
  await confirmOrRefuse(ctx, flags.yes, { action: `delete the demo database in ${dir} and build it again` });
  const { stopService } = await import('../../core/db/embedded-service-client.js');
  await stopService(dir);
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  ctx.io.stderr.write(`crm demo: deleted the demo database in ${dir}\n`);
}

async function printSummary(ctx: CommandContext, r: DemoResult): Promise<void> {
  const c = r.counts;
  const n = (v: number) => v.toLocaleString('en-NG');
  ctx.print(`Demo network built (seed ${r.seed}):`);
  ctx.print(
    `  ${c.hospitals} hospitals, ${c.owners} owners, ${c.contracts} contracts, ${c.doctors} doctors, ${n(c.patients)} patients`,
  );
  ctx.print(
    `  ${n(c.appointments)} appointments (${n(c.upcomingAppointments)} upcoming), ${n(c.transactions)} transactions, ${n(c.feedback)} feedback, ${n(c.loyaltyAccounts)} loyalty accounts`,
  );
  if (r.payouts) {
    const p = r.payouts;
    const two = p.approvals.filter((a) => a.approvedBy.length === 2).length;
    ctx.print(
      `Payouts ${p.periodsRun[0]} to ${p.period}: run by ${DEMO_OPERATORS.maker}, approved by ${DEMO_OPERATORS.checkers.join(' and ')}.`,
    );
    ctx.print(
      `  ${p.period}: ${p.approved} of ${p.payouts} approved (${two} needed both approvers), net ${formatNaira(BigInt(p.netKobo))}, guarantee top-ups ${formatNaira(BigInt(p.topUpKobo))}`,
    );
  }
  const dry = r.messaging === 'dry-run';
  if (r.reminders) {
    const m = r.reminders;
    ctx.print(
      `Reminders due now${dry ? ' (dry run: no provider credentials, nothing sent)' : ''}: ${m.sent} to send, ${m.deferred} deferred, ${m.expired} expired, ${m.failed} failed`,
    );
  }
  if (r.campaign) {
    const k = r.campaign;
    ctx.print(
      dry
        ? `Campaign ${k.slug} (dry run): ${n(k.audience)} patients in its audience, nothing sent`
        : `Campaign ${k.slug}: ${n(k.successCount ?? 0)} sent, ${n(k.failureCount ?? 0)} failed`,
    );
  }
  if (r.dashboard) {
    ctx.print('');
    await printDashboard(ctx, r.dashboard);
  }
}
