import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { lagosDate } from '../time.js';
import { expireContractsEndedBefore } from './contract.sql.js';

/** Expires active contracts whose end date has passed (Lagos calendar). Idempotent; safe from cron. */
export async function expireDueContracts(ctx: ServiceContext): Promise<{ expired: string[] }> {
  const today = lagosDate(ctx.clock.now());
  const now = ctx.clock.now().toISO()!;
  return ctx.em.transactional(async (em) => {
    const rows = await expireContractsEndedBefore(em, today, now);
    for (const r of rows)
      await recordAudit(em, ctx.actor, 'contract', r.id, {
        action: 'expire',
        number: r.number,
        endDate: r.end_date,
      });
    return { expired: rows.map((r) => r.number).sort() };
  });
}
