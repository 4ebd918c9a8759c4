import { readFileSync } from 'node:fs';
import { devNull, homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { DateTime } from 'luxon';
import { ValidationError } from './errors.js';
import type { LoyaltySettings } from './loyalty/loyalty.settings.js';

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
  /**
   * Whether commands on the embedded database go through its background service (the default),
   * or open it in their own process, one at a time (CRM_EMBEDDED_SERVICE=0).
   */
  embeddedService: boolean;
  /** How long the embedded database's service waits for a client before it stops, in ms. */
  serviceIdleMs: number;
  /**
   * PostgreSQL's buffer cache inside the embedded database (CRM_EMBEDDED_SHARED_BUFFERS, a
   * PostgreSQL size such as `64MB`; default `32MB`): see core/db/embedded-pglite.ts.
   */
  embeddedSharedBuffers: string;
  /** Rows per committed batch of `patient import` (CRM_IMPORT_BATCH_SIZE, default 10,000). */
  importBatchSize: number;
  /** Hours a low-rating feedback alert has before it is overdue (CRM_FEEDBACK_ALERT_HOURS, default 48). */
  feedbackAlertHours: number;
  /** Loyalty settings (CRM_LOYALTY_*): see core/loyalty/loyalty.settings.ts. */
  loyalty: LoyaltySettings;
  /**
   * Variables of earlier versions that are set but no longer read: the money rules they held
   * are policy in the database now (`crm policy list`), which no environment can change.
   */
  ignoredVariables: string[];
  /** Campaign settings (docs/campaigns.md). */
  campaigns: CampaignSettings;
  /** Raw environment for the messaging layer (credentials are read there, never printed). */
  env: Readonly<Record<string, string | undefined>>;
}

/** What campaigns read from the environment (docs/campaigns.md). */
export interface CampaignSettings {
  /**
   * The frequency cap (CRM_CAMPAIGN_CAP, default `2/7d`): at most `max` marketing campaign
   * messages per patient in `days` days, counting every campaign, applied at the snapshot.
   */
  cap: { max: number; days: number };
  /** Days without a visit that make a patient inactive (CRM_CAMPAIGN_INACTIVE_DAYS, default 90). */
  inactiveDays: number;
  /** Estimated price in kobo of one SMS segment, one WhatsApp message, one e-mail (previews). */
  priceKobo: { sms: bigint; whatsapp: bigint; email: bigint };
  /** Recipients a sender claims per transaction (CRM_CAMPAIGN_BATCH, default 500). */
  batchSize: number;
  /** How long a claim holds before another sender may settle it (CRM_CAMPAIGN_LEASE_SECONDS, 300). */
  leaseSeconds: number;
}

function campaignSettings(env: NodeJS.ProcessEnv): CampaignSettings {
  let cap = { max: 2, days: 7 };
  const rawCap = env.CRM_CAMPAIGN_CAP?.trim();
  if (rawCap) {
    const m = /^(\d+)\/(\d+)d$/.exec(rawCap);
    if (!m || Number(m[2]) < 1)
      throw new ValidationError(
        'CRM_CAMPAIGN_CAP',
        rawCap,
        'expected MAX/DAYSd, e.g. 2/7d (0/7d: no marketing at all)',
      );
    cap = { max: Number(m[1]), days: Number(m[2]) };
  }
  const price = (name: string, fallback: bigint): bigint => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d{1,12}$/.test(raw)) throw new ValidationError(name, raw, 'expected a whole number of kobo');
    return BigInt(raw);
  };
  return {
    cap,
    inactiveDays: positiveInt(env.CRM_CAMPAIGN_INACTIVE_DAYS, 'CRM_CAMPAIGN_INACTIVE_DAYS') ?? 90,
    priceKobo: {
      sms: price('CRM_PRICE_SMS_KOBO', 400n),
      whatsapp: price('CRM_PRICE_WHATSAPP_KOBO', 800n),
      email: price('CRM_PRICE_EMAIL_KOBO', 10n),
    },
    batchSize: positiveInt(env.CRM_CAMPAIGN_BATCH, 'CRM_CAMPAIGN_BATCH') ?? 500,
    leaseSeconds: positiveInt(env.CRM_CAMPAIGN_LEASE_SECONDS, 'CRM_CAMPAIGN_LEASE_SECONDS') ?? 300,
  };
}

/** Environment variables that once set money rules; the policy table holds them now. */
const POLICY_VARIABLES = [
  'CRM_DUAL_APPROVAL_KOBO',
  'CRM_WHT_COMPANY_BPS',
  'CRM_WHT_INDIVIDUAL_BPS',
  'CRM_WHT_EXEMPT_BPS',
];

/**
 * The variables a `.env` file may set: where the database is, the providers' credentials and
 * senders, and tuning. Not the business clock (CRM_NOW), the operator, money policy or where
 * credentials are sent (the provider base URLs): a `.env` is a file in whatever directory a
 * command runs in, and whoever can write there must not be able to change those. Those come from
 * the environment of the command itself.
 */
export const DOTENV_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'CRM_DATA_DIR',
  'CRM_LOCK_WAIT_MS',
  'CRM_EMBEDDED_SERVICE',
  'CRM_SERVICE_IDLE_MINUTES',
  'CRM_EMBEDDED_SHARED_BUFFERS',
  'CRM_IMPORT_BATCH_SIZE',
  'CRM_DEBUG',
  'NO_COLOR',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_SMS_FROM',
  'TWILIO_MESSAGING_SERVICE_SID',
  'TWILIO_WHATSAPP_FROM',
  'SENDGRID_API_KEY',
  'SENDGRID_FROM',
  'CRM_RATE_SMS',
  'CRM_RATE_WHATSAPP',
  'CRM_RATE_EMAIL',
  'CRM_QUIET_HOURS',
  'CRM_SEND_MAX_TRIES',
  'CRM_SEND_BACKOFF_MS',
  'CRM_SEND_BACKOFF_MAX_MS',
  'CRM_SEND_TIMEOUT_MS',
  'CRM_WHATSAPP_REMINDER_CONTENT_SID',
  'CRM_REMINDER_BATCH',
  'CRM_REMINDER_CONCURRENCY',
  'CRM_REMINDER_LEASE_SECONDS',
  'CRM_OUTBOX_LEASE_SECONDS',
  'CRM_FEEDBACK_ALERT_HOURS',
  'CRM_LOYALTY_EXPIRY_MONTHS',
  'CRM_LOYALTY_NOTIFY_DAYS',
  'CRM_LOYALTY_POINT_VALUE_KOBO',
  'CRM_CAMPAIGN_CAP',
  'CRM_CAMPAIGN_INACTIVE_DAYS',
  'CRM_CAMPAIGN_BATCH',
  'CRM_CAMPAIGN_LEASE_SECONDS',
  'CRM_PRICE_SMS_KOBO',
  'CRM_PRICE_WHATSAPP_KOBO',
  'CRM_PRICE_EMAIL_KOBO',
]);

/**
 * Reads `.env` from the working directory, and from nowhere else, when present: only the
 * variables of DOTENV_VARIABLES (any other is refused, exit 3, naming it); real environment
 * variables win.
 */
function loadDotEnv(env: NodeJS.ProcessEnv): void {
  const file = resolve('.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // A folder (what `docker run -v` makes of a missing file) or an unreadable file is exit 3:
    // going on without it would run against another database than the operator configured.
    throw new ValidationError(
      '.env',
      file,
      code === 'EISDIR'
        ? 'is a folder, not a file of settings: remove it or make it a file'
        : `cannot be read (${code ?? (error as Error).message})`,
    );
  }
  const parsed = parseEnv(text);
  for (const name of Object.keys(parsed))
    if (!DOTENV_VARIABLES.has(name))
      throw new ValidationError(
        `.env: ${name}`,
        undefined,
        'cannot be set in a .env file (see the README for those that can); set it in the environment of the command',
      );
  for (const [name, value] of Object.entries(parsed)) if (env[name] === undefined) env[name] = value;
}

/**
 * MikroORM reads a `.env` of its own (from `$MIKRO_ORM_ENV`, any path, else the working directory)
 * and lets `MIKRO_ORM_*` variables override the options crm gives it: the connection URL, query
 * logging with parameters, the migrations. crm's configuration is the variables of this module
 * only, so those are removed and MikroORM's own `.env` reading is pointed at an empty file.
 */
function isolateOrmFromEnvironment(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(env)) if (name.startsWith('MIKRO_ORM_')) delete env[name];
  env.MIKRO_ORM_ENV = devNull;
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

/** PostgreSQL's own floor for shared_buffers: 16 buffers of 8 kB. */
const MIN_SHARED_BUFFERS_KB = 128;
const SIZE_UNITS_KB = { kB: 1, MB: 1024, GB: 1024 * 1024 } as const;

/**
 * CRM_EMBEDDED_SHARED_BUFFERS: a PostgreSQL size in kB, MB or GB (`64MB`), at least 128kB;
 * default 32MB. Anything else is exit 3 naming it (it used to fall back to 32MB silently).
 */
function sharedBuffers(value: string | undefined): string {
  const given = value?.trim();
  if (!given) return '32MB';
  const m = /^(\d{1,9})(kB|MB|GB)$/.exec(given);
  if (!m || Number(m[1]) * SIZE_UNITS_KB[m[2] as keyof typeof SIZE_UNITS_KB] < MIN_SHARED_BUFFERS_KB)
    throw new ValidationError(
      'CRM_EMBEDDED_SHARED_BUFFERS',
      value,
      'expected a PostgreSQL size of at least 128kB, in kB, MB or GB, e.g. 64MB',
    );
  return given;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, { readDotEnv = true } = {}): Config {
  if (readDotEnv) {
    isolateOrmFromEnvironment(env);
    loadDotEnv(env);
  }
  let fixedNow: DateTime | undefined;
  if (env.CRM_NOW) {
    fixedNow = DateTime.fromISO(env.CRM_NOW, { zone: 'Africa/Lagos', setZone: true });
    if (!fixedNow.isValid) throw new ValidationError('CRM_NOW', env.CRM_NOW, 'not an ISO 8601 timestamp');
  }
  const lockWait = Number(env.CRM_LOCK_WAIT_MS ?? 5000);
  const idleMinutes = Number(env.CRM_SERVICE_IDLE_MINUTES ?? 10);
  return {
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    dataDir: resolve(env.CRM_DATA_DIR?.trim() || defaultDataDir(env)),
    fixedNow,
    operator: env.CRM_OPERATOR?.trim() || osUser(),
    debug: env.CRM_DEBUG === '1' || env.CRM_DEBUG === 'true',
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
    embeddedLockWaitMs: Number.isFinite(lockWait) && lockWait >= 0 ? lockWait : 5000,
    embeddedService: env.CRM_EMBEDDED_SERVICE !== '0' && env.CRM_EMBEDDED_SERVICE !== 'false',
    serviceIdleMs: Math.round((Number.isFinite(idleMinutes) && idleMinutes >= 0 ? idleMinutes : 10) * 60_000),
    embeddedSharedBuffers: sharedBuffers(env.CRM_EMBEDDED_SHARED_BUFFERS),
    importBatchSize: positiveInt(env.CRM_IMPORT_BATCH_SIZE, 'CRM_IMPORT_BATCH_SIZE') ?? 10_000,
    feedbackAlertHours: positiveInt(env.CRM_FEEDBACK_ALERT_HOURS, 'CRM_FEEDBACK_ALERT_HOURS') ?? 48,

    loyalty: {
      expiryMonths: positiveInt(env.CRM_LOYALTY_EXPIRY_MONTHS, 'CRM_LOYALTY_EXPIRY_MONTHS') ?? 12,
      notifyDays: positiveInt(env.CRM_LOYALTY_NOTIFY_DAYS, 'CRM_LOYALTY_NOTIFY_DAYS') ?? 14,
      pointValueKobo: positiveInt(env.CRM_LOYALTY_POINT_VALUE_KOBO, 'CRM_LOYALTY_POINT_VALUE_KOBO') ?? 100,
    },
    campaigns: campaignSettings(env),
    ignoredVariables: POLICY_VARIABLES.filter((name) => env[name] !== undefined),
    env: { ...env },
  };
}
