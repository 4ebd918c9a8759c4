import { removeUser } from '../../core/access/users.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [login]: string[], flags: GlobalFlags): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, { action: `remove the login ${login}` });
  await ctx.withServices((svc) => removeUser(svc, login));
  if (ctx.json) return printJson(ctx, { removed: login });
  ctx.print(`removed ${login}`);
}
