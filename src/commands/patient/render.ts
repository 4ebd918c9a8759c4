import type { LoyaltySummary } from '../../core/loyalty/loyalty.queries.js';
import type { PatientView } from '../../core/patients/patient.view.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';
import { loyaltyLine } from '../loyalty/render.js';

function flags(map: Record<string, boolean>): string {
  const on = Object.entries(map)
    .filter(([, v]) => v)
    .map(([k]) => k);
  return on.length ? on.join(', ') : 'none';
}

export async function printPatient(
  ctx: CommandContext,
  p: PatientView & { loyalty?: LoyaltySummary },
): Promise<void> {
  if (ctx.json) return printJson(ctx, p);
  await printRecord(ctx, [
    ['name', `${p.firstName} ${p.lastName}`],
    ['phone', p.phone],
    ['e-mail', p.email],
    ['date of birth', p.dateOfBirth],
    ['gender', p.gender],
    ['hospital', p.hospital],
    ['MRN', p.externalId],
    ['channel', `${p.preferredChannel} (${p.preferredLanguage})`],
    ['consent', flags(p.consent)],
    ['opted out', flags(p.optedOut)],
    ['last visit', p.lastVisitAt],
    ...(p.loyalty ? ([['loyalty', loyaltyLine(p.loyalty)]] as [string, string][]) : []),
    ['id', p.id],
  ]);
}
