/**
 * What `crm` stores and prints of what it was given: secrets masked whatever their syntax, and
 * personal data (phones, e-mails, dates of birth, names, addresses, MRNs) kept out of the append-
 * only audit log and masked in errors.
 *
 * Two uses:
 * - `redactCommandLine(argv)`: the command line the audit log (and the embedded database's lock
 *   file) records. Personal values become a placeholder naming what they were (`--phone [phone]`):
 *   the audit row's entity id says which record changed.
 * - `maskText(text)`: any text that is printed or stored beside a record (error messages, provider
 *   error texts): secrets become `***`, phones `+234803***4567`, e-mails `a***@example.ng`.
 *
 * Loaded by cli.ts at every start, so it is plain regular expressions: no libphonenumber (a
 * redaction must not wait for metadata, and `crm --help` stays cheap). The phone shapes below are
 * wider than what phone.ts accepts as valid: masking a number that is not one costs nothing.
 */

/** `+2348031234567` → `+234803***4567`: for logs and messages shown to operators. */
export function maskPhone(e164: string): string {
  if (e164.length < 10) return `${e164.slice(0, 3)}***`;
  return `${e164.slice(0, 7)}***${e164.slice(-4)}`;
}

/** `ada.obi@example.ng` → `a***@example.ng`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

type Mode = 'audit' | 'print';

// ── secrets ─────────────────────────────────────────────────────────────────────────────────────

/**
 * A URL's user-info: everything between `scheme://` and the LAST `@` of the run of non-blank
 * characters, so that a password holding `@`, `:` or `/` (percent-encoded or not) is masked whole.
 * An `@` later in a path or query only makes the mask longer.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g;
/** `password=…`, `?token=…`, `api_key: …`, `"secret":"…"` — a secret-named key and its value. */
const SECRET_PAIR =
  /\b([\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)[\w.-]*)(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,'"]+)/gi;
/** Credential shapes of the providers and of common tokens, wherever they appear. */
const KEY_SHAPES: RegExp[] = [
  /\b(?:SK|AC)[0-9a-fA-F]{32}\b/g, // Twilio API key SID, account SID
  /\b[0-9a-fA-F]{32}\b/g, // Twilio auth token
  /\bSG\.[\w-]{8,}(?:\.[\w-]{8,})?/g, // SendGrid API key
  /\b(?:sk|pk|rk)_(?:live|test)_\w{8,}/g,
  /\bgh[pousr]_\w{20,}/g,
  /\bxox[abprs]-[\w-]{8,}/g,
  /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+/g, // JWT
];

function maskSecrets(text: string): string {
  let s = text.replace(URL_USERINFO, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    // The user name stays (it says which login was used); everything after it is the password.
    return colon > 0 ? `${scheme}${userinfo.slice(0, colon)}:***@` : `${scheme}***@`;
  });
  s = s.replace(AUTH_SCHEME, '$1 ***');
  s = s.replace(SECRET_PAIR, (_m, key: string, sep: string) => `${key}${sep}***`);
  for (const shape of KEY_SHAPES) s = s.replace(shape, '***');
  return s;
}

// ── personal data ───────────────────────────────────────────────────────────────────────────────

// The lookbehind starts a match only where a run of address characters starts: without it a long
// run with no '@' (a 100,000-character argument) is scanned again from every position, quadratic.
const EMAIL = /(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/**
 * A run that may be a phone number: digits and the separators people type (`0803 123 4567`,
 * `+234 (0) 803-123-4567`, `0803.123.4567`), not glued to letters, ids or codes (`CT-2026-0001`,
 * a UUID's groups) on either side.
 */
const PHONE_RUN = /(?<![\p{L}\p{N}_.+(-])[+(]*\d[\d \t\-.()/\u00a0]*\d\)?(?![\p{L}\p{N}_-]|\.\d)/gu;

/** The number as E.164 when `run` has the shape of a Nigerian or international phone number. */
function phoneE164(run: string): string | undefined {
  const digits = run.replace(/\D/g, '');
  const n = digits.length;
  // Each shape is judged on how the run starts as written, so that a run spanning an amount's
  // decimals or a bracket (`000.00 (2500…`) is not read as a number with a prefix.
  if (/^\(?\+/.test(run)) return n >= 8 && n <= 15 ? `+${trunk(digits)}` : undefined;
  if (/^00[1-9]/.test(run)) return n >= 10 && n <= 17 ? `+${trunk(digits.slice(2))}` : undefined;
  if (/^234/.test(run)) return n === 13 || n === 14 ? `+${trunk(digits)}` : undefined;
  // National forms with the trunk zero: mobiles (0803…, 11 digits) and fixed lines (01…, 9–10).
  if (/^\(?0\d/.test(run)) return n >= 9 && n <= 11 ? `+234${digits.slice(1)}` : undefined;
  // A Nigerian mobile without its trunk zero (803 123 4567), which libphonenumber also reads.
  if (/^[789][01]/.test(run) && n === 10) return `+234${digits}`;
  return undefined;
}

/** `+234 (0) 803…`: the trunk zero written after the country code is not part of the number. */
const trunk = (digits: string) => (/^2340\d{10}$/.test(digits) ? `234${digits.slice(4)}` : digits);

function maskPhones(text: string, mode: Mode): string {
  const replace = (run: string): string => {
    const e164 = phoneE164(run);
    if (e164) return mode === 'audit' ? '[phone]' : maskPhone(e164);
    // Several numbers side by side (`0803… 0805…`) are one run: try its blank-separated parts.
    const parts = run.split(/([\s/]+)/);
    if (parts.length < 3) return run;
    let out = '';
    for (let i = 0; i < parts.length; i += 2) {
      let matched = false;
      for (let j = parts.length - 1; j >= i; j -= 2) {
        const candidate = parts.slice(i, j + 1).join('');
        const hit = phoneE164(candidate);
        if (hit) {
          out += (mode === 'audit' ? '[phone]' : maskPhone(hit)) + (parts[j + 1] ?? '');
          i = j;
          matched = true;
          break;
        }
      }
      if (!matched) out += parts[i] + (parts[i + 1] ?? '');
    }
    return out;
  };
  return text.replace(PHONE_RUN, replace);
}

function maskPersonal(text: string, mode: Mode): string {
  const s = text.replace(EMAIL, (email) => (mode === 'audit' ? '[email]' : maskEmail(email)));
  return maskPhones(s, mode);
}

/**
 * Secrets masked and phones and e-mails masked (`+234803***4567`, `a***@example.ng`): for error
 * messages, warnings and provider error texts, printed or stored.
 */
export function maskText(text: string): string {
  return maskPersonal(maskFlagValues(maskSecrets(text), 'print'), 'print');
}

// ── flags ───────────────────────────────────────────────────────────────────────────────────────

/** Flags whose value is personal data, and the placeholder that replaces it. */
const PERSONAL_FLAGS: Record<string, string> = {
  phone: 'phone',
  mobile: 'phone',
  email: 'email',
  'manager-email': 'email',
  dob: 'dob',
  'date-of-birth': 'dob',
  'birth-date': 'dob',
  name: 'name',
  'first-name': 'name',
  'last-name': 'name',
  'middle-name': 'name',
  'full-name': 'name',
  surname: 'name',
  'account-name': 'name',
  address: 'address',
  'external-id': 'mrn',
  mrn: 'mrn',
  'account-number': 'account-number',
};

/** A flag whose value is a secret: any name with one of these words (`--auth-token`, `--api-key`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'token',
  'secret',
  'key',
  'apikey',
  'credential',
  'credentials',
  'auth',
  'dsn',
]);
const SECRET_FLAGS = new Set(['database-url', 'db-url', 'connection-string', 'conninfo']);

/** `***` for a secret flag, `[kind]` for a personal one, undefined for any other flag. */
function flagPlaceholder(flag: string, mode: Mode): string | undefined {
  const name = flag.replace(/^-+/, '').toLowerCase();
  if (SECRET_FLAGS.has(name) || name.split(/[-_]/).some((w) => SECRET_WORDS.has(w))) return '***';
  const kind = PERSONAL_FLAGS[name];
  if (kind === undefined) return undefined;
  return mode === 'audit' ? `[${kind}]` : undefined;
}

/** `--password=…` written inside a text (commander's "unknown option '--token=…'"). */
function maskFlagValues(text: string, mode: Mode): string {
  return text.replace(/(--[\w-]+)=("[^"]*"|'[^']*'|[^\s'"]+)/g, (m, flag: string) => {
    const placeholder = flagPlaceholder(flag, mode);
    return placeholder === undefined ? m : `${flag}=${placeholder}`;
  });
}

// ── the command line ────────────────────────────────────────────────────────────────────────────

/** Flags that take no value: after any other `--flag` the next argument is its value. */
const BOOLEAN_FLAGS = new Set([
  '--json',
  '--verbose',
  '-v',
  '--no-color',
  '--yes',
  '--dry-run',
  '--all',
  '--overdue',
  '--include-exported',
  '--help',
  '-h',
  '--version',
  '-V',
]);

/** Positional references to a person (`owner log "Ada Obi"`): kept only when they are an id. */
const PERSON_REFS: Record<string, string> = {
  'patient show': 'patient',
  'patient opt-out': 'patient',
  'owner show': 'owner',
  'owner log': 'owner',
  'owner satisfaction': 'owner',
  'owner message': 'owner',
};
const UUID_OR_PREFIX = /^[0-9a-f]{8}(?:-[0-9a-f]{4}){0,3}(?:-[0-9a-f]{1,12})?$/i;

function redactArgument(arg: string): string {
  return maskPersonal(maskFlagValues(maskSecrets(arg), 'audit'), 'audit');
}

/**
 * The command line as the audit log stores it: `crm patient add --first-name [name] --phone
 * [phone]`. Arguments are shell-quoted where needed, so that the line reads back unambiguously.
 */
export function redactCommandLine(args: readonly string[]): string {
  const out: string[] = ['crm'];
  const positionals: string[] = [];
  let onlyPositional = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!onlyPositional && arg === '--') {
      onlyPositional = true;
      out.push(arg);
    } else if (!onlyPositional && /^-[^\d]/.test(arg)) {
      const eq = arg.indexOf('=');
      const flag = eq > 0 ? arg.slice(0, eq) : arg;
      const placeholder = flagPlaceholder(flag, 'audit');
      if (eq > 0) out.push(placeholder === undefined ? redactArgument(arg) : `${flag}=${placeholder}`);
      else {
        out.push(redactArgument(arg));
        if (!BOOLEAN_FLAGS.has(flag) && i + 1 < args.length) {
          i++;
          out.push(placeholder ?? redactArgument(args[i]));
        }
      }
    } else {
      positionals.push(arg);
      // The first argument after a two-word command (`owner log REF`) that names a person.
      const ref = positionals.length === 3 ? PERSON_REFS[positionals.slice(0, 2).join(' ')] : undefined;
      const masked = redactArgument(arg);
      out.push(ref && masked === arg && !UUID_OR_PREFIX.test(arg) ? `[${ref}]` : masked);
    }
  }
  return out.map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  if (word !== '' && /^[\w@%+=:,./[\]*-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
