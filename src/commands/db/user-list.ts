import { listUsers } from '../../core/access/users.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const users = await ctx.withServices((svc) => listUsers(svc.em));
  if (ctx.json) return printJson(ctx, { users });
  await printTable(
    ctx,
    [
      { header: 'login', value: (u) => u.login },
      { header: 'roles', value: (u) => u.roles.join(', ') },
      { header: 'can log in', value: (u) => (u.canLogin ? 'yes' : 'no') },
    ],
    users,
  );
}
