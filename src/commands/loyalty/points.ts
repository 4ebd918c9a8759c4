import type { PointsView } from '../../core/loyalty/loyalty.view.js';
import { tierLabel } from '../../core/loyalty/tiers.js';
import type { CommandContext } from '../_shared/context.js';

export function printPoints(ctx: CommandContext, r: PointsView): void {
  if (r.points === 0) ctx.print(`already booked under this key: nothing changed; balance ${r.balance}`);
  else
    ctx.print(
      `${r.points > 0 ? '+' : ''}${r.points} points; balance ${r.balance}, lifetime ${r.lifetimePoints}, ${tierLabel(r.tier)}`,
    );
  if (r.tierChanged) ctx.print(`new tier: ${tierLabel(r.tier)} (notice queued)`);
}
