/**
 * Prompts only when a person is there (stdin and stdout are TTYs); otherwise a missing value is a
 * usage error and a confirmation needs --yes. @inquirer/prompts is loaded only when asking.
 */
import { UsageError } from '../../core/errors.js';
import type { CommandContext } from './context.js';

export function canPrompt(ctx: CommandContext): boolean {
  return ctx.io.stdinIsTTY && ctx.io.stdoutIsTTY && !ctx.json;
}

/** The flag's value, or a prompt for it on a TTY, or a usage error naming the flag. */
export async function valueOrPrompt(
  ctx: CommandContext,
  value: string | undefined,
  flag: string,
  message: string,
): Promise<string> {
  if (value !== undefined && value !== '') return value;
  if (!canPrompt(ctx)) throw new UsageError(`missing ${flag}`);
  const { input } = await import('@inquirer/prompts');
  return asked(() => input({ message, required: true }));
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
