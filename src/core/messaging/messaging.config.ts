import { UnavailableError, ValidationError } from '../errors.js';
import type { Channel } from '../patients/patient.entity.js';

/**
 * The messaging layer's settings, read from the raw environment that Config carries. Secrets are
 * kept here and never printed; errors name missing variables, never values.
 */
export interface MessagingConfig {
  twilio: {
    accountSid?: string;
    authToken?: string;
    smsFrom?: string;
    messagingServiceSid?: string;
    whatsappFrom?: string;
    /** Replaces https://api.twilio.com (CRM_TWILIO_BASE_URL): a local fake or an egress proxy. */
    baseUrl?: string;
  };
  sendgrid: {
    apiKey?: string;
    from?: string;
    /** Replaces https://api.sendgrid.com/ (CRM_SENDGRID_BASE_URL). */
    baseUrl?: string;
  };
  /** Messages per second per channel and per process; 0 = unlimited. */
  ratePerSecond: Record<Channel, number>;
  /** Quiet hours in Lagos time, `HH:mm`; start > end means the period spans midnight. */
  quietHours: { start: string; end: string } | null;
  /** Tries of one provider call on transient errors (first try included). */
  maxTries: number;
  /** Base delay of the exponential backoff between tries, in ms. */
  backoffBaseMs: number;
  /** Longest single wait between tries (also caps Retry-After), in ms. */
  backoffMaxMs: number;
  /** Provider HTTP timeout, ms. */
  timeoutMs: number;
  /** Content SID of the approved WhatsApp reminder template (business-initiated messages). */
  whatsappReminderContentSid?: string;
}

function value(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function number(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
  { min = 0 } = {},
): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new ValidationError(name, raw, `expected a number ≥ ${min}`);
  return n;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function loadMessagingConfig(env: Readonly<Record<string, string | undefined>>): MessagingConfig {
  let quietHours: MessagingConfig['quietHours'] = { start: '21:00', end: '08:00' };
  const quiet = value(env, 'CRM_QUIET_HOURS');
  if (quiet !== undefined) {
    if (quiet === 'off' || quiet === 'none') quietHours = null;
    else {
      const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(quiet);
      if (!m || !HHMM.test(m[1]) || !HHMM.test(m[2]) || m[1] === m[2])
        throw new ValidationError('CRM_QUIET_HOURS', quiet, 'expected HH:MM-HH:MM (e.g. 21:00-08:00) or off');
      quietHours = { start: m[1], end: m[2] };
    }
  }
  return {
    twilio: {
      accountSid: value(env, 'TWILIO_ACCOUNT_SID'),
      authToken: value(env, 'TWILIO_AUTH_TOKEN'),
      smsFrom: value(env, 'TWILIO_SMS_FROM'),
      messagingServiceSid: value(env, 'TWILIO_MESSAGING_SERVICE_SID'),
      whatsappFrom: value(env, 'TWILIO_WHATSAPP_FROM'),
      baseUrl: value(env, 'CRM_TWILIO_BASE_URL')?.replace(/\/+$/, ''),
    },
    sendgrid: {
      apiKey: value(env, 'SENDGRID_API_KEY'),
      from: value(env, 'SENDGRID_FROM'),
      baseUrl: value(env, 'CRM_SENDGRID_BASE_URL')?.replace(/\/*$/, '/'),
    },
    ratePerSecond: {
      sms: number(env, 'CRM_RATE_SMS', 50),
      whatsapp: number(env, 'CRM_RATE_WHATSAPP', 10),
      email: number(env, 'CRM_RATE_EMAIL', 100),
    },
    quietHours,
    maxTries: number(env, 'CRM_SEND_MAX_TRIES', 3, { min: 1 }),
    backoffBaseMs: number(env, 'CRM_SEND_BACKOFF_MS', 250),
    backoffMaxMs: number(env, 'CRM_SEND_BACKOFF_MAX_MS', 5000),
    timeoutMs: number(env, 'CRM_SEND_TIMEOUT_MS', 15000, { min: 1 }),
    whatsappReminderContentSid: value(env, 'CRM_WHATSAPP_REMINDER_CONTENT_SID'),
  };
}

/** The environment variables a channel still lacks (empty when it can send). */
export function missingCredentials(config: MessagingConfig, channel: Channel): string[] {
  const missing: string[] = [];
  if (channel === 'email') {
    if (!config.sendgrid.apiKey) missing.push('SENDGRID_API_KEY');
    if (!config.sendgrid.from) missing.push('SENDGRID_FROM');
    return missing;
  }
  if (!config.twilio.accountSid) missing.push('TWILIO_ACCOUNT_SID');
  if (!config.twilio.authToken) missing.push('TWILIO_AUTH_TOKEN');
  if (channel === 'sms' && !config.twilio.smsFrom && !config.twilio.messagingServiceSid)
    missing.push('TWILIO_SMS_FROM or TWILIO_MESSAGING_SERVICE_SID');
  if (channel === 'whatsapp' && !config.twilio.whatsappFrom) missing.push('TWILIO_WHATSAPP_FROM');
  return missing;
}

/** Throws exit 7 naming what is missing for the channels about to be used. */
export function requireCredentials(config: MessagingConfig, channels: Iterable<Channel>): void {
  const problems: string[] = [];
  for (const channel of new Set(channels)) {
    const missing = missingCredentials(config, channel);
    if (missing.length) problems.push(`${channel} needs ${missing.join(', ')}`);
  }
  if (problems.length)
    throw new UnavailableError(
      'messaging_not_configured',
      `cannot send: ${problems.join('; ')} (set them in the environment or .env; --dry-run needs none)`,
    );
}

/**
 * A provider base URL the credentials may be sent to: https:// anywhere, plain http:// only to
 * this machine (127.0.0.0/8, ::1, localhost), where a test fake or a local egress proxy listens.
 * Over http:// to any other host the account SID and token (HTTP Basic) or the API key (Bearer)
 * would cross the network in clear text.
 */
export function insecureBaseUrlReason(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `${url.protocol} is not http(s)`;
  // WHATWG URL has already normalised the host: `127.1` and `0x7f.0.0.1` read as 127.0.0.1.
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)) return undefined;
  return `plain http:// is accepted only for this machine (127.0.0.1, ::1, localhost), not ${host}`;
}

/** Throws exit 7 when a channel about to be used would send its credentials over an unsafe URL. */
export function requireSafeBaseUrls(config: MessagingConfig, channels: Iterable<Channel>): void {
  const used = new Set(channels);
  const urls: Array<[string, string | undefined]> = [];
  if ([...used].some((c) => c !== 'email')) urls.push(['CRM_TWILIO_BASE_URL', config.twilio.baseUrl]);
  if (used.has('email')) urls.push(['CRM_SENDGRID_BASE_URL', config.sendgrid.baseUrl]);
  for (const [name, url] of urls) {
    const reason = url === undefined ? undefined : insecureBaseUrlReason(url);
    if (reason)
      throw new UnavailableError(
        'provider_url_insecure',
        `cannot send: ${name} ${reason}; nothing was sent (use https://)`,
      );
  }
}

/** Whether a base URL points at this machine (127.0.0.0/8, ::1, localhost): a local fake provider. */
export function isLoopbackUrl(raw: string | undefined): boolean {
  if (!raw) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * During a rehearsal (CRM_NOW set) nothing goes to a real provider unless asked: messages would
 * reach real patients and owners days early, written as if it were another day. Sending is live
 * only when `--live` is given, or when every provider with credentials points at this machine
 * (CRM_TWILIO_BASE_URL / CRM_SENDGRID_BASE_URL on loopback: the fake provider). Returns why a
 * rehearsal is a dry run, or undefined when it may send.
 */
export function rehearsalDryRunReason(
  config: MessagingConfig,
  rehearsing: boolean,
  live: boolean,
): string | undefined {
  if (!rehearsing || live) return undefined;
  const twilio = Boolean(config.twilio.accountSid || config.twilio.authToken);
  const sendgrid = Boolean(config.sendgrid.apiKey);
  const allLocal =
    (twilio || sendgrid) &&
    (!twilio || isLoopbackUrl(config.twilio.baseUrl)) &&
    (!sendgrid || isLoopbackUrl(config.sendgrid.baseUrl));
  if (allLocal) return undefined;
  return 'CRM_NOW is set (a rehearsal): this is a dry run, nothing is sent or written; pass --live to send for real, or point CRM_TWILIO_BASE_URL/CRM_SENDGRID_BASE_URL at a local fake provider';
}
