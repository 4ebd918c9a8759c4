/**
 * Prompts only when a person is there (stdin and stdout are TTYs); otherwise a missing value is a
 * usage error and a confirmation needs --yes. @inquirer/prompts is loaded only when asking.
 */
import { UsageError, ValidationError } from '../../core/errors.js';
import type { CommandContext } from './context.js';

export function canPrompt(ctx: CommandContext): boolean {
  return ctx.io.stdinIsTTY && ctx.io.stdoutIsTTY && !ctx.json;
}

/** How a prompt checks an answer as it is typed: true, or the reason shown under the prompt. */
export interface PromptOptions {
  /** Checked on Enter; a bad answer stays on screen with the reason, nothing asked so far is lost. */
  validate?: (value: string) => true | string;
  /**
   * The allowed values (an enum): a list to choose from instead of free text. A short list is a
   * menu; a long one (the 37 states, the CBN banks) is searched as the operator types.
   */
  choices?: readonly (string | Choice)[];
  /** For a searched list: the value a typed text stands for when it is another way of writing it ("Abuja" → FCT). */
  alias?: (typed: string) => string | undefined;
}

/** One entry of a choice list: the value stored, and how it is shown ("058  Guaranty Trust Bank"). */
export interface Choice {
  value: string;
  name: string;
}

/** Longer lists than this are searched as typed instead of scrolled. */
const MENU_LIMIT = 12;

/** The flag's value, or a prompt for it on a TTY, or a usage error naming the flag. */
export async function valueOrPrompt(
  ctx: CommandContext,
  value: string | undefined,
  flag: string,
  message: string,
  options: PromptOptions = {},
): Promise<string> {
  if (value !== undefined && value !== '') return value;
  if (!canPrompt(ctx)) throw new UsageError(`missing ${flag}`);
  const prompts = await import('@inquirer/prompts');
  if (options.choices) {
    const choices = options.choices.map((c) => (typeof c === 'string' ? { value: c, name: c } : c));
    if (choices.length <= MENU_LIMIT) return asked(() => prompts.select({ message, choices }));
    return asked(() =>
      prompts.search({
        message: `${message} (type to search)`,
        pageSize: 8,
        source: (term) => matchingChoices(choices, term ?? '', options.alias),
      }),
    );
  }
  const validate = options.validate;
  return asked(() =>
    prompts.input({
      message,
      required: true,
      validate: validate ? (v: string) => validate(v.trim()) : undefined,
    }),
  );
}

/**
 * A prompt validator from the parser the command itself applies: the answer passes when the
 * parser accepts it, else the parser's own reason stays under the prompt.
 */
export function acceptedBy(parse: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      parse(value);
      return true;
    } catch (error) {
      if (error instanceof ValidationError) return error.message;
      throw error;
    }
  };
}

/**
 * The choices whose shown name contains the typed text (any case, spaces and dashes alike), the
 * one an alias names first; all of them while nothing is typed.
 */
export function matchingChoices(
  choices: readonly Choice[],
  typed: string,
  alias?: (typed: string) => string | undefined,
): Choice[] {
  const fold = (t: string) =>
    t
      .toLowerCase()
      .replace(/[\s-]+/g, ' ')
      .trim();
  const term = fold(typed);
  if (term === '') return [...choices];
  const aliased = alias?.(typed);
  const first = choices.filter((c) => c.value === aliased);
  return [...first, ...choices.filter((c) => c.value !== aliased && fold(c.name).includes(term))];
}

/**
 * An optional value: the flag's, or on a TTY a prompt that may be left empty (validated when not),
 * or undefined off a TTY.
 */
export async function optionalValueOrPrompt(
  ctx: CommandContext,
  value: string | undefined,
  message: string,
  validate?: (value: string) => true | string,
): Promise<string | undefined> {
  if (value !== undefined) return value;
  if (!canPrompt(ctx)) return undefined;
  const { input } = await import('@inquirer/prompts');
  const answer = await asked(() =>
    input({ message, validate: (v: string) => (v.trim() === '' || !validate ? true : validate(v.trim())) }),
  );
  return answer.trim() || undefined;
}

/**
 * Off a terminal, every required flag that is missing, in one usage error (exit 2):
 * "missing --tax-type, --bank-code". On a terminal nothing happens here: the prompts ask.
 */
export function requireFlags(ctx: CommandContext, flags: [value: string | undefined, flag: string][]): void {
  if (canPrompt(ctx)) return;
  const missing = flags.filter(([v]) => v === undefined || v === '').map(([, f]) => f);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')}`);
}

/**
 * Runs a prompt; Ctrl-C (or a closed terminal) while it waits is the operator giving up — the
 * same "cancelled" usage error (exit 2) as answering no to a confirmation, not a crash.
 */
async function asked<T>(prompt: () => Promise<T>): Promise<T> {
  try {
    return await prompt();
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new UsageError('cancelled', 'cancelled');
    throw error;
  }
}

/**
 * What a confirmation is about. `action` says what would happen, with the figures that matter
 * (a verb phrase: "approve 2 payouts of 2026-10, net ₦1,450,000.00, to …"); `note` what cannot
 * be undone or what follows. The prompt asks it as a question; off a terminal without --yes the
 * usage error says it, so a cron line that forgot --yes tells what it would have done.
 */
export interface Plan {
  action: string;
  note?: string;
}

/** Asks before an action that moves money, messages people or destroys data; --yes skips it. */
export async function confirmOrRefuse(
  ctx: CommandContext,
  yes: boolean | undefined,
  plan: Plan,
): Promise<void> {
  if (yes) return;
  if (!canPrompt(ctx))
    throw new UsageError(
      `this command needs confirmation: run it on a terminal or pass --yes (it would ${plan.action}${plan.note ? `; ${lowerFirst(plan.note)}` : ''})`,
      'confirmation_required',
    );
  const { confirm } = await import('@inquirer/prompts');
  const message = `${upperFirst(plan.action)}?${plan.note ? ` ${plan.note}` : ''}`;
  if (!(await asked(() => confirm({ message, default: false }))))
    throw new UsageError('cancelled', 'cancelled');
}

/**
 * A confirmation whose figures come from the database: unless --yes, `describe` reads them (on
 * its own EntityManager, so nothing it loads lingers in the one the action then uses) inside the
 * command's database session, and the action runs in the same session once confirmed. Even
 * when nothing would change it asks (off a terminal: needs --yes), so that a cron line without
 * --yes fails every time, not only on the days there is work.
 */
export async function confirmFromDatabase<S extends { em: { fork(): unknown } }>(
  ctx: CommandContext,
  yes: boolean | undefined,
  svc: S,
  describe: (svc: S) => Promise<Plan>,
): Promise<void> {
  if (yes) return;
  await confirmOrRefuse(ctx, false, await describe({ ...svc, em: svc.em.fork() } as S));
}

/** "A, B, C and 4 more": a sample of a long list for a one-line confirmation. */
export function sampleOf(items: readonly string[], shown = 3): string {
  if (items.length <= shown + 1) return items.join(', ');
  return `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
