import { setUser } from '../../core/access/users.js';
import { UsageError } from '../../core/errors.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  role: string;
  passwordStdin?: boolean;
}

/** The first line of standard input, without its line ending. */
async function readFirstLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0];
  if (line === '') throw new UsageError('--password-stdin: standard input holds no password');
  return line;
}

export async function run(ctx: CommandContext, [login]: string[], flags: Flags): Promise<void> {
  const password = flags.passwordStdin ? await readFirstLine() : undefined;
  const user = await ctx.withServices(async (svc, db) => {
    if (db.kind !== 'postgresql')
      throw new UsageError(
        'roles and logins need PostgreSQL (DATABASE_URL): the embedded database has one user',
      );
    return setUser(svc, login, flags.role, password);
  });
  if (ctx.json) return printJson(ctx, user);
  ctx.print(`${user.login}: ${user.roles.join(', ')}${password === undefined ? '' : ' (password set)'}`);
}
