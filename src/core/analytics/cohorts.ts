/**
 * `crm analytics cohorts`: do patients come back? Each cohort is the patients whose first
 * completed appointment fell in one month; its row gives the share of them who completed an
 * appointment again 1, 2, 3 … months later, up to the current month. And do campaigns bring them
 * back? For each campaign sent with a holdout, the patients it was sent to against those held
 * out: how many booked an appointment within 30 days of the send.
 */
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { parsePeriod, toIsoLagos } from '../time.js';
import { ratio } from './analytics-period.js';
import { campaignEffectRows, retentionCells } from './cohorts.sql.js';

export interface Cohort {
  /** `YYYY-MM`: the month of the cohort's first completed appointments. */
  month: string;
  patients: number;
  /** Share of the cohort back in each following month: [+1 month, +2 months, …] up to now. */
  retention: number[];
}

export interface EffectGroup {
  patients: number;
  /** Patients of the group who booked at least one appointment within 30 days. */
  booked: number;
  appointments: number;
  /** booked / patients (0..1); null for an empty group. */
  bookingRate: number | null;
}

export interface CampaignEffect {
  campaign: string;
  name: string;
  /** When the send started (the audience snapshot): the 30 days run from here. */
  startedAt: string;
  recipients: EffectGroup;
  holdout: EffectGroup;
  /** recipients' booking rate − the holdout's; null when either is undefined. */
  lift: number | null;
}

export interface CohortsReport {
  from: string;
  to: string;
  cohorts: Cohort[];
  campaignEffect: CampaignEffect[];
}

export async function retentionCohorts(
  ctx: ServiceContext,
  input: { from?: string },
): Promise<CohortsReport> {
  const now = ctx.clock.now().setZone('Africa/Lagos').startOf('month');
  const to = now.toFormat('yyyy-MM');
  const from = input.from
    ? parsePeriod(input.from, 'from')
    : parsePeriod(now.minus({ months: 11 }).toFormat('yyyy-MM'));
  if (from.frequency !== 'monthly') throw new ValidationError('from', input.from, 'a month, YYYY-MM');
  const cells = await retentionCells(ctx.em, from.firstDay, now.toISODate()!);
  const cohorts = new Map<string, Cohort>();
  for (const cell of cells) {
    if (cell.offset === 0) {
      const start = parsePeriod(cell.cohort).start;
      const months = Math.round(now.diff(start, 'months').months);
      cohorts.set(cell.cohort, {
        month: cell.cohort,
        patients: Number(cell.patients),
        retention: Array(months).fill(0),
      });
    } else {
      const cohort = cohorts.get(cell.cohort)!;
      cohort.retention[cell.offset - 1] = ratio(Number(cell.patients), cohort.patients)!;
    }
  }
  return { from: from.label, to, cohorts: [...cohorts.values()], campaignEffect: await campaignEffect(ctx) };
}

async function campaignEffect(ctx: ServiceContext): Promise<CampaignEffect[]> {
  const empty = (): EffectGroup => ({ patients: 0, booked: 0, appointments: 0, bookingRate: null });
  const effects = new Map<string, CampaignEffect>();
  for (const row of await campaignEffectRows(ctx.em)) {
    let effect = effects.get(row.slug);
    if (!effect) {
      effect = {
        campaign: row.slug,
        name: row.name,
        startedAt: toIsoLagos(new Date(row.snapshot_at)),
        recipients: empty(),
        holdout: empty(),
        lift: null,
      };
      effects.set(row.slug, effect);
    }
    const patients = Number(row.patients);
    effect[row.grp] = {
      patients,
      booked: Number(row.bookers),
      appointments: Number(row.appointments),
      bookingRate: ratio(Number(row.bookers), patients),
    };
  }
  for (const e of effects.values())
    if (e.recipients.bookingRate !== null && e.holdout.bookingRate !== null)
      e.lift = Math.round((e.recipients.bookingRate - e.holdout.bookingRate) * 1e6) / 1e6;
  return [...effects.values()];
}
