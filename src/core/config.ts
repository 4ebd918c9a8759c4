import { type Stats, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { ValidationError } from './errors.js';
import { MAX_AMOUNT_KOBO } from './money.js';

/**
 * Everything `crm` reads from the environment, validated once at start-up. This module is the
 * only reader of process.env in the code base; core services receive a Config.
 */
export interface Config {
  /** PostgreSQL URL; undefined means the embedded database in `dataDir`. */
  databaseUrl: string | undefined;
  /** Folder of the embedded database and its lock file. */
  dataDir: string;
  /** A fixed "now" (CRM_NOW), for rehearsals, demos and tests. */
  fixedNow: DateTime | undefined;
  /** Who runs mutating commands, when --operator is not given. */
  operator: string;
  debug: boolean;
  noColor: boolean;
  /** How long a second process waits for the embedded database's lock, in ms. */
  embeddedLockWaitMs: number;
  /** Rows per committed batch of `patient import` (CRM_IMPORT_BATCH_SIZE, default 10,000). */
  importBatchSize: number;
  /** Payouts above this many kobo need two approvers (CRM_DUAL_APPROVAL_KOBO, default ₦10,000,000). */
  dualApprovalKobo: bigint;
  /** Withholding-tax rates in basis points per owner tax type (CRM_WHT_COMPANY_BPS, …). */
  withholdingTaxBps: { company: number; individual: number; exempt: number };
  /** Raw environment for the messaging layer (credentials are read there, never printed). */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads `.env` from the working directory when present; real environment variables win. A `.env`
 * that is a folder (what `docker run -v` makes of a missing file) or cannot be read is exit 3:
 * going on without it would run against another database than the operator configured.
 */
function loadDotEnv(): void {
  const file = resolve('.env');
  let stat: Stats;
  try {
    stat = statSync(file);
  } catch {
    return; // no .env here
  }
  if (!stat.isFile())
    throw new ValidationError(
      '.env',
      file,
      `is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}, not a file of settings: remove it or make it a file`,
    );
  try {
    // Node ≥ 20.12 parses .env itself; it never overrides variables that are already set.
    process.loadEnvFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ValidationError('.env', file, `cannot be read (${code})`);
  }
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.local', 'share'), 'crm');
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new ValidationError(name, value, 'expected a whole number ≥ 1');
  return Number(value);
}

function basisPoints(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) > 10_000)
    throw new ValidationError(name, value, 'expected basis points 0..10000 (1000 = 10%)');
  return Number(value);
}

/** CRM_DUAL_APPROVAL_KOBO: whole kobo, 1 … MAX_AMOUNT_KOBO (a larger threshold would never apply). */
function dualApprovalKobo(value: string | undefined): bigint {
  const kobo = BigInt(
    positiveInt(value, 'CRM_DUAL_APPROVAL_KOBO') === undefined ? 1_000_000_000 : value!.trim(),
  );
  if (kobo > MAX_AMOUNT_KOBO)
    throw new ValidationError('CRM_DUAL_APPROVAL_KOBO', value, `must be at most ${MAX_AMOUNT_KOBO} (₦10^12)`);
  return kobo;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, { readDotEnv = true } = {}): Config {
  if (readDotEnv) loadDotEnv();
  let fixedNow: DateTime | undefined;
  if (env.CRM_NOW) {
    fixedNow = DateTime.fromISO(env.CRM_NOW, { zone: 'Africa/Lagos', setZone: true });
    if (!fixedNow.isValid) throw new ValidationError('CRM_NOW', env.CRM_NOW, 'not an ISO 8601 timestamp');
  }
  const lockWait = Number(env.CRM_LOCK_WAIT_MS ?? 5000);
  return {
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    dataDir: resolve(env.CRM_DATA_DIR?.trim() || defaultDataDir(env)),
    fixedNow,
    operator: env.CRM_OPERATOR?.trim() || osUser(),
    debug: env.CRM_DEBUG === '1' || env.CRM_DEBUG === 'true',
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
    embeddedLockWaitMs: Number.isFinite(lockWait) && lockWait >= 0 ? lockWait : 5000,
    importBatchSize: positiveInt(env.CRM_IMPORT_BATCH_SIZE, 'CRM_IMPORT_BATCH_SIZE') ?? 10_000,
    dualApprovalKobo: dualApprovalKobo(env.CRM_DUAL_APPROVAL_KOBO),
    withholdingTaxBps: {
      company: basisPoints(env.CRM_WHT_COMPANY_BPS, 'CRM_WHT_COMPANY_BPS') ?? 1000,
      individual: basisPoints(env.CRM_WHT_INDIVIDUAL_BPS, 'CRM_WHT_INDIVIDUAL_BPS') ?? 500,
      exempt: basisPoints(env.CRM_WHT_EXEMPT_BPS, 'CRM_WHT_EXEMPT_BPS') ?? 0,
    },
    env: { ...env },
  };
}
