/**
 * `crm demo`: builds the demo data set (demo-plan.ts) through the product's own operations —
 * hospitals, owners, contracts, doctors and their hours, the coming week's bookings (with their
 * reminders), manual loyalty awards and the campaign one by one; patients, past appointments,
 * transactions, feedback and the points they earned set-based (demo.sql.ts) — then runs a month
 * as an operator would: the payout periods run by one demo operator and approved by two others
 * (maker-checker), the due reminders and a campaign (sent for real only when provider
 * credentials are set, else planned as `--dry-run` plans them), and returns the dashboard of the
 * month just paid.
 */

import { analyticsDashboard, type Dashboard } from '../analytics/dashboard.js';
import { scheduleAppointment } from '../appointments/schedule-appointment.js';
import type { Actor } from '../audit/audit.js';
import { createCampaign } from '../campaigns/create-campaign.js';
import { previewCampaign } from '../campaigns/preview-campaign.js';
import { sendCampaign } from '../campaigns/send-campaign.js';
import type { ServiceContext } from '../context.js';
import { activateContract } from '../contracts/activate-contract.js';
import { createContract } from '../contracts/create-contract.js';
import { queryOne } from '../db/sql.js';
import { addDoctor } from '../doctors/add-doctor.js';
import { addAvailability } from '../doctors/set-availability.js';
import { ConflictError } from '../errors.js';
import { addHospital } from '../hospitals/add-hospital.js';
import { awardPoints } from '../loyalty/award-points.js';
import {
  type MessagingConfig,
  missingCredentials,
  rehearsalDryRunReason,
} from '../messaging/messaging.config.js';
import { realMessengers } from '../messaging/messaging.runtime.js';
import { addOwner } from '../owners/add-owner.js';
import { approvePayouts } from '../payouts/approve-payouts.js';
import { runPayouts } from '../payouts/run-payouts.js';
import { planDueReminders } from '../reminders/plan-due-reminders.js';
import type { ReminderRunResult } from '../reminders/reminder-run.js';
import { sendDueReminders } from '../reminders/send-due-reminders.js';
import { fixedClock } from '../time.js';
import {
  backdateContracts,
  demoFootprint,
  insertFeedback,
  insertLoyaltyHistory,
  insertOwnerRatings,
  insertPastAppointments,
  insertPatients,
  insertTransactions,
} from './demo.sql.js';
import { type DemoPlan, planDemo } from './demo-plan.js';

const BOOKED_DAYS_AGO = 3;

/** The demo's operators: one runs the payouts, two others approve them (maker-checker). */
export const DEMO_OPERATORS = { maker: 'ada', checkers: ['bola', 'chidi'] } as const;

export interface DemoInput {
  seed: number;
  patients: number;
  messaging: MessagingConfig;
  /** A line per step, for progress on stderr. */
  onStep?: (text: string) => void;
}

export interface DemoCounts {
  hospitals: number;
  owners: number;
  contracts: number;
  doctors: number;
  patients: number;
  appointments: number;
  upcomingAppointments: number;
  transactions: number;
  feedback: number;
  loyaltyAccounts: number;
  campaigns: number;
}

export interface DemoResult {
  alreadyExisted: boolean;
  seed: number;
  counts: DemoCounts;
  /** The month the demo paid (the last whole month) and what happened to its payouts. */
  payouts: {
    period: string;
    periodsRun: string[];
    payouts: number;
    approved: number;
    netKobo: number;
    topUpKobo: number;
    approvals: { reference: string; approvedBy: string[]; status: string }[];
  } | null;
  messaging: 'dry-run' | 'live';
  reminders: ReminderRunResult | null;
  campaign: {
    slug: string;
    audience: number;
    successCount: number | null;
    failureCount: number | null;
  } | null;
  dashboard: Dashboard | null;
}

/** The demo data set exists (exit 0, nothing done), or the database holds other data (exit 5). */
export async function demoState(ctx: ServiceContext): Promise<'empty' | 'demo'> {
  const footprint = await demoFootprint(ctx.em);
  if (footprint.demo > 0) return 'demo';
  const others = await queryOne<{ n: number }>(
    ctx.em,
    `select (select count(*) from hospital)::int + (select count(*) from patient)::int
          + (select count(*) from owner)::int as n`,
  );
  if ((others?.n ?? 0) > 0)
    throw new ConflictError(
      'demo_needs_empty_database',
      'this database already holds data that is not the demo’s: run the demo on an empty one (e.g. CRM_DATA_DIR=/tmp/crm-demo crm demo)',
    );
  return 'empty';
}

export async function buildDemo(ctx: ServiceContext, input: DemoInput): Promise<DemoResult> {
  const step = input.onStep ?? (() => undefined);
  if ((await demoState(ctx)) === 'demo') return { ...(await describeExisting(ctx, input.seed)) };
  const now = ctx.clock.now();
  const plan = planDemo({ seed: input.seed, patients: input.patients, now: now.toJSDate() });
  const as = (operator: string): ServiceContext => ({
    ...ctx,
    em: ctx.em.fork(),
    actor: { operator, command: ctx.actor.command } satisfies Actor,
  });
  const maker = as(DEMO_OPERATORS.maker);

  step(`hospitals, owners, contracts and doctors (${plan.hospitals.length} hospitals)`);
  await buildNetwork(maker, plan);

  step(`${plan.patients.length.toLocaleString('en-NG')} patients`);
  await maker.em.transactional((em) => insertPatients(em, plan.patients));
  step(`${plan.appointments.length.toLocaleString('en-NG')} past appointments`);
  await maker.em.transactional((em) => insertPastAppointments(em, plan.appointments, plan.patients));
  step(
    `${plan.transactions.length.toLocaleString('en-NG')} transactions over ${plan.months.length + 1} months`,
  );
  await maker.em.transactional((em) => insertTransactions(em, plan.transactions));
  step(`${plan.feedback.length.toLocaleString('en-NG')} feedback responses and the points they earned`);
  await maker.em.transactional(async (em) => {
    await insertFeedback(
      em,
      plan.feedback,
      plan.appointments,
      plan.patients,
      now.toJSDate(),
      ctx.config.feedbackAlertHours,
    );
    await insertLoyaltyHistory(em);
    await insertOwnerRatings(em, plan.ownerRatings);
  });
  step(`loyalty awards for ${plan.awards.length} wellness-package patients`);
  for (const a of plan.awards)
    await awardPoints(as(DEMO_OPERATORS.maker), {
      patient: plan.patients[a.patient].phone,
      points: a.points,
      reason: 'corporate wellness package',
      key: `demo-wellness-${plan.patients[a.patient].externalId}`,
    });
  step(`${plan.bookings.length} appointments for the coming week, with their reminders`);
  // Booked three days ago, so that some of their reminders are due now: a reminder is only ever
  // planned for a time after the booking.
  const booking = { ...as(DEMO_OPERATORS.maker), clock: fixedClock(now.minus({ days: BOOKED_DAYS_AGO })) };
  for (const b of plan.bookings)
    await scheduleAppointment(
      { ...booking, em: ctx.em.fork() },
      {
        patient: plan.patients[b.patient].phone,
        doctor: b.doctor,
        type: b.type,
        at: b.at,
        durationMinutes: 30,
      },
    );

  step(
    `payouts for ${plan.months[0]} to ${plan.months.at(-1)}: run by ${DEMO_OPERATORS.maker}, approved by ${DEMO_OPERATORS.checkers.join(' and ')}`,
  );
  const payouts = await payMonths(as, plan.months);

  const live = isLive(input.messaging, ctx);
  step(`reminders due now (${live ? 'sent' : 'dry run: planned, nothing sent'})`);
  const reminders = live
    ? await sendDueReminders(as(DEMO_OPERATORS.maker), input.messaging, realMessengers(input.messaging))
    : (await planDueReminders(as(DEMO_OPERATORS.maker), input.messaging)).result;

  step(`a campaign to patients not seen for 60 days (${live ? 'sent' : 'dry run: previewed, nothing sent'})`);
  const campaign = await runCampaign(as(DEMO_OPERATORS.maker), input.messaging, live, now.toFormat('LLLL'));

  step('the dashboard');
  const dashboard = await analyticsDashboard(as(DEMO_OPERATORS.maker), { period: plan.months.at(-1) });
  return {
    alreadyExisted: false,
    seed: input.seed,
    counts: await countDemo(as(DEMO_OPERATORS.maker)),
    payouts,
    messaging: live ? 'live' : 'dry-run',
    reminders,
    campaign,
    dashboard,
  };
}

/** Messages go out only with provider credentials, and never in a rehearsal (CRM_NOW) to a real provider. */
function isLive(messaging: MessagingConfig, ctx: ServiceContext): boolean {
  if (missingCredentials(messaging, 'sms').length > 0) return false;
  return rehearsalDryRunReason(messaging, Boolean(ctx.config.fixedNow), false) === undefined;
}

async function buildNetwork(ctx: ServiceContext, plan: DemoPlan): Promise<void> {
  for (const h of plan.hospitals)
    await addHospital(ctx, {
      code: h.code,
      name: h.name,
      state: h.state,
      city: h.city,
      address: h.address,
      managerEmail: `manager.${h.code.toLowerCase().replace('-', '')}@example.ng`,
    });
  const ownerIds = new Map<string, string>();
  for (const o of plan.owners) {
    const view = await addOwner(ctx, {
      name: o.name,
      kind: o.taxType === 'company' ? 'company' : 'person',
      email: o.email,
      phone: o.phone,
      taxType: o.taxType,
      bankCode: o.bankCode,
      accountNumber: o.accountNumber,
    });
    ownerIds.set(o.name, view.id);
  }
  for (const c of plan.contracts) {
    const contract = await createContract(ctx, {
      owner: ownerIds.get(c.ownerName),
      hospital: c.hospital,
      share: c.share,
      guarantee: c.guaranteeNaira,
      frequency: 'monthly',
      start: c.start,
      end: c.end,
    });
    await activateContract(ctx, contract.number);
  }
  await ctx.em.transactional((em) => backdateContracts(em));
  for (const d of plan.doctors) {
    await addDoctor(ctx, { hospital: d.hospital, name: d.name, department: d.department, code: d.code });
    for (const window of d.availability) await addAvailability(ctx, d.code, window);
  }
}

/** Each month: the maker runs the period, then each checker approves what still awaits approval. */
async function payMonths(
  as: (operator: string) => ServiceContext,
  months: string[],
): Promise<NonNullable<DemoResult['payouts']>> {
  let last: NonNullable<DemoResult['payouts']> | null = null;
  for (const period of months) {
    const run = await runPayouts(as(DEMO_OPERATORS.maker), { period });
    const approvedBy = new Map<string, string[]>();
    const status = new Map<string, string>();
    let waiting = run.payouts.filter((p) => p.status === 'calculated').map((p) => p.reference);
    for (const checker of DEMO_OPERATORS.checkers) {
      if (waiting.length === 0) break;
      const decisions = await approvePayouts(as(checker), waiting);
      for (const d of decisions) {
        approvedBy.set(d.reference, [...(approvedBy.get(d.reference) ?? []), checker]);
        status.set(d.reference, d.status);
      }
      waiting = decisions.filter((d) => d.status === 'calculated').map((d) => d.reference);
    }
    const approvals = run.payouts.map((p) => ({
      reference: p.reference,
      approvedBy: approvedBy.get(p.reference) ?? [],
      status: status.get(p.reference) ?? p.status,
    }));
    last = {
      period,
      periodsRun: months,
      payouts: run.payouts.length,
      approved: approvals.filter((a) => a.status === 'approved').length,
      netKobo: Number(run.totals.netKobo),
      topUpKobo: Number(run.totals.topUpKobo),
      approvals,
    };
  }
  return last!;
}

const CAMPAIGN_TEXT = {
  en: 'Hello {{first_name}}, it has been a while! Book your check-up at {{hospital_name}} this month. Reply STOP to opt out.',
  pcm: 'How far {{first_name}}! E don tey wey we see you. Come do your check-up for {{hospital_name}} this month. Reply STOP make we stop.',
  yo: 'Ẹ n lẹ {{first_name}}, ó ti pẹ́! Ẹ wá ṣe àyẹ̀wò ara yín ní {{hospital_name}} ní oṣù yìí. Ẹ fèsì STOP láti dáwọ́ dúró.',
  ha: 'Sannu {{first_name}}, an jima ba mu gan ka ba! Zo a duba lafiyarka a {{hospital_name}} a wannan watan. Amsa STOP don dainawa.',
  ig: 'Ndewo {{first_name}}, o teela! Bịa mee nyocha ahụike gị na {{hospital_name}} n’ọnwa a. Zaa STOP ka anyị kwụsị.',
};

async function runCampaign(
  ctx: ServiceContext,
  messaging: MessagingConfig,
  live: boolean,
  monthName: string,
): Promise<NonNullable<DemoResult['campaign']>> {
  const campaign = await createCampaign(ctx, {
    name: `${monthName} check-up`,
    segment: 'inactive',
    inactiveDays: 60,
    channel: 'sms',
    purpose: 'marketing',
    templates: CAMPAIGN_TEXT,
  });
  if (!live) {
    const preview = await previewCampaign(ctx, campaign.slug);
    return { slug: campaign.slug, audience: preview.audience, successCount: null, failureCount: null };
  }
  const sent = await sendCampaign(ctx, messaging, realMessengers(messaging), campaign.slug);
  return {
    slug: campaign.slug,
    audience: sent.successCount + sent.failureCount + sent.skippedCount,
    successCount: sent.successCount,
    failureCount: sent.failureCount,
  };
}

export async function countDemo(ctx: ServiceContext): Promise<DemoCounts> {
  const row = await queryOne<Record<keyof DemoCounts, number>>(
    ctx.em,
    `select (select count(*) from hospital)::int as hospitals,
            (select count(*) from owner)::int as owners,
            (select count(*) from contract)::int as contracts,
            (select count(*) from doctor)::int as doctors,
            (select count(*) from patient)::int as patients,
            (select count(*) from appointment)::int as appointments,
            (select count(*) from appointment where status in ('scheduled', 'confirmed'))::int
              as "upcomingAppointments",
            (select count(*) from hospital_transaction)::int as transactions,
            (select count(*) from feedback)::int as feedback,
            (select count(*) from loyalty_account)::int as "loyaltyAccounts",
            (select count(*) from campaign)::int as campaigns`,
  );
  return row!;
}

async function describeExisting(ctx: ServiceContext, seed: number): Promise<DemoResult> {
  return {
    alreadyExisted: true,
    seed,
    counts: await countDemo(ctx),
    payouts: null,
    messaging: 'dry-run',
    reminders: null,
    campaign: null,
    dashboard: null,
  };
}
