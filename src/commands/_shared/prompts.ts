/**
 * Prompts only when a person is there (stdin and stdout are TTYs); otherwise a missing value is a
 * usage error and a confirmation needs --yes. @inquirer/prompts is loaded only when asking.
 */
import { UsageError } from '../../core/errors.js';
import type { CommandContext } from './context.js';

export function canPrompt(ctx: CommandContext): boolean {
  return ctx.io.stdinIsTTY && ctx.io.stdoutIsTTY && !ctx.json;
}

/** How a prompt checks an answer as it is typed: true, or the reason shown under the prompt. */
export interface PromptOptions {
  /** Checked on Enter; a bad answer stays on screen with the reason, nothing asked so far is lost. */
  validate?: (value: string) => true | string;
  /** The allowed values (an enum): a list to choose from instead of free text. */
  choices?: readonly string[];
}

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
  if (options.choices)
    return asked(() =>
      prompts.select({ message, choices: options.choices!.map((c) => ({ value: c, name: c })) }),
    );
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

/** Asks before an action that moves money, messages people or destroys data; --yes skips it. */
export async function confirmOrRefuse(
  ctx: CommandContext,
  yes: boolean | undefined,
  message: string,
): Promise<void> {
  if (yes) return;
  if (!canPrompt(ctx))
    throw new UsageError(
      'this command needs confirmation: run it on a terminal or pass --yes',
      'confirmation_required',
    );
  const { confirm } = await import('@inquirer/prompts');
  if (!(await asked(() => confirm({ message, default: false }))))
    throw new UsageError('cancelled', 'cancelled');
}
