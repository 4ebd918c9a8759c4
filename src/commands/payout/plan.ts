import { formatNaira } from '../../core/money.js';
import type { PayoutsPreview } from '../../core/payouts/preview-payouts.js';
import { sampleOf } from '../_shared/prompts.js';

/**
 * "3 payouts of 2026-10 (CT-2026-0001-2026-10, …), net ₦1,450,000.00, to Adebayo Clinics Ltd (LAG-001), …": what a payout
 * confirmation names — how many, the period, the total net amount and who is paid (a sample).
 */
export function describePayouts(preview: PayoutsPreview): string {
  const n = preview.payouts.length;
  const periods = preview.periods.length > 0 ? ` of ${preview.periods.join(', ')}` : '';
  if (n === 0) return `no payouts${periods}`;
  const who = [...new Set(preview.payouts.map((p) => `${p.ownerName} (${p.hospitalCode})`))];
  const refs = sampleOf(preview.payouts.map((p) => p.reference));
  return `${n} payout${n === 1 ? '' : 's'}${periods} (${refs}), net ${formatNaira(preview.netKobo)}, to ${sampleOf(who)}`;
}
