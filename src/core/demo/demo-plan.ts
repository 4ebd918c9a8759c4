/**
 * The demo data set as plain values: a pure function of the seed, the number of patients and
 * "now", so that the same seed on the same day gives the same data set (and the same figures),
 * which the unit test holds it to. Writing it is build-demo.ts's job.
 *
 * The history covers the six whole months before the current one and the current month up to
 * today (Lagos time); a third of the patients registered in the year before that.
 */
import { nubanCheckDigit } from '../owners/nuban.js';
import {
  DEMO_BANKS,
  DEMO_HOSPITALS,
  DEMO_OWNERS,
  DEPARTMENTS,
  EMAIL_DOMAINS,
  FEEDBACK_COMMENTS,
  FIRST_NAMES,
  type Group,
  LANGUAGES,
  MOBILE_PREFIXES,
  SURNAMES,
} from './demo-names.js';
import { mulberry32, type Random } from './prng.js';

export const DEFAULT_DEMO_PATIENTS = 2000;
export const DEFAULT_DEMO_SEED = 2026;
/** Whole months of history before the current month. */
export const HISTORY_MONTHS = 6;

export interface DemoPlanInput {
  seed: number;
  patients: number;
  /** "Now": the clock of the command (CRM_NOW in rehearsals and tests). */
  now: Date;
}

export interface PlannedOwner {
  name: string;
  email: string;
  phone: string;
  taxType: string;
  bankCode: string;
  accountNumber: string;
  hospitals: readonly string[];
}

export interface PlannedContract {
  ownerName: string;
  hospital: string;
  share: string;
  guaranteeNaira: string;
  start: string;
  end?: string;
}

export interface PlannedDoctor {
  code: string;
  hospital: string;
  name: string;
  department: string;
  availability: { day: string; from: string; to: string }[];
}

export interface PlannedPatient {
  externalId: string;
  hospital: string;
  firstName: string;
  lastName: string;
  phone: string;
  email: string | null;
  dateOfBirth: string;
  gender: 'female' | 'male';
  language: string;
  channel: 'sms' | 'whatsapp';
  consentSms: boolean;
  consentWhatsapp: boolean;
  consentEmail: boolean;
  createdAt: string;
}

export type PastStatus = 'completed' | 'no_show' | 'cancelled';

export interface PlannedAppointment {
  patient: number;
  doctor: string;
  type: string;
  status: PastStatus;
  startsAt: string;
  endsAt: string;
  createdAt: string;
}

export interface PlannedBooking {
  patient: number;
  doctor: string;
  type: string;
  /** Lagos local time, `YYYY-MM-DD HH:mm`. */
  at: string;
}

export interface PlannedTransaction {
  hospital: string;
  reference: string;
  occurredAt: string;
  amountKobo: number;
  kind: 'payment' | 'refund';
}

export interface PlannedFeedback {
  /** Index into `appointments` (a completed one). */
  appointment: number;
  rating: number;
  nps: number | null;
  scoreDoctor: number | null;
  scoreWaitTime: number | null;
  comment: string | null;
  submittedAt: string;
}

export interface DemoPlan {
  seed: number;
  /** Lagos date of "now". */
  today: string;
  /** The months of history, oldest first (`YYYY-MM`); the last is the month the demo pays. */
  months: string[];
  hospitals: typeof DEMO_HOSPITALS;
  owners: PlannedOwner[];
  contracts: PlannedContract[];
  doctors: PlannedDoctor[];
  patients: PlannedPatient[];
  appointments: PlannedAppointment[];
  bookings: PlannedBooking[];
  transactions: PlannedTransaction[];
  feedback: PlannedFeedback[];
  /** Manual loyalty awards (a corporate wellness package) that lift a few patients' tiers. */
  awards: { patient: number; points: number }[];
  /** Owners' satisfaction ratings as account managers record them, a few a month. */
  ownerRatings: { owner: string; category: string; rating: number; recommends: boolean; at: string }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Lagos is UTC+1 all year (no daylight saving): local times are plain offsets. */
const LAGOS_OFFSET = HOUR;

/** A Lagos calendar day as a number of days since 1970-01-01. */
const lagosDayOf = (instant: Date) => Math.floor((instant.getTime() + LAGOS_OFFSET) / DAY);
const dateOfDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
/** Day number (UTC-based) and minutes after Lagos midnight → ISO 8601 with the Lagos offset. */
function lagosIso(day: number, minutes: number): string {
  const local = new Date(day * DAY + minutes * 60_000).toISOString().slice(0, 19);
  return `${local}+01:00`;
}
/** 0 = Sunday … 6 = Saturday. */
const weekday = (day: number) => (day + 4) % 7;
const firstOfMonth = (y: number, m: number) => Math.floor(Date.UTC(y, m, 1) / DAY);

export function planDemo(input: DemoPlanInput): DemoPlan {
  const random = mulberry32(input.seed);
  const today = lagosDayOf(input.now);
  const nowMinutes = Math.floor((input.now.getTime() + LAGOS_OFFSET - today * DAY) / 60_000);
  const t = new Date(today * DAY);
  const [year, month] = [t.getUTCFullYear(), t.getUTCMonth()];
  const windowStart = firstOfMonth(year, month - HISTORY_MONTHS);
  const months = Array.from({ length: HISTORY_MONTHS }, (_, i) =>
    dateOfDay(firstOfMonth(year, month - HISTORY_MONTHS + i)).slice(0, 7),
  );

  const owners = DEMO_OWNERS.map((o, i) => planOwner(random, o, i));
  const contracts = planContracts(random, today, windowStart);
  const doctors = planDoctors(random);
  const patients = planPatients(random, input.patients, today, windowStart);
  const appointments = planAppointments(random, patients, doctors, today);
  const bookings = planBookings(random, patients, doctors, today, nowMinutes);
  const transactions = planTransactions(random, input.patients * 4, today, nowMinutes, windowStart);
  const feedback = planFeedback(random, appointments, input.now);
  const awards = planAwards(random, patients.length);
  const ownerRatings = planOwnerRatings(random, windowStart, today);
  return {
    seed: input.seed,
    today: dateOfDay(today),
    months,
    hospitals: DEMO_HOSPITALS,
    owners,
    contracts,
    doctors,
    patients,
    appointments,
    bookings,
    transactions,
    feedback,
    awards,
    ownerRatings,
  };
}

/** Each owner rates payment and service in most months; mostly content, Kano's owner less so. */
function planOwnerRatings(random: Random, windowStart: number, today: number): DemoPlan['ownerRatings'] {
  const out: DemoPlan['ownerRatings'] = [];
  for (let day = windowStart + 20; day < today; day += 30)
    for (const o of DEMO_OWNERS)
      for (const category of ['payment', 'service']) {
        if (!random.chance(0.7)) continue;
        const unhappy = (o.hospitals as readonly string[]).includes('KAN-001');
        const rating = unhappy
          ? random.int(2, 4)
          : random.weighted([
              [5, 45],
              [4, 35],
              [3, 15],
              [2, 5],
            ] as const);
        out.push({
          owner: o.name,
          category,
          rating,
          recommends: rating >= 4,
          at: lagosIso(day + random.int(0, 5), random.int(9 * 60, 17 * 60)),
        });
      }
  return out;
}

/** One patient in fifty, by index, gets 1,500–10,500 points: some reach silver, gold or platinum. */
function planAwards(random: Random, patients: number): DemoPlan['awards'] {
  const out: DemoPlan['awards'] = [];
  for (let i = 0; i < patients; i++)
    if (random.chance(0.02)) out.push({ patient: i, points: 500 * random.int(3, 21) });
  return out;
}

function planOwner(random: Random, o: (typeof DEMO_OWNERS)[number], i: number): PlannedOwner {
  const bankCode = random.pick(DEMO_BANKS);
  const serial = String(random.int(0, 999_999_999)).padStart(9, '0');
  const slug = o.name
    .toLowerCase()
    .replace(/^(dr|chief)\.? /, '')
    .replace(/ ltd$/, '')
    .replace(/[^a-z]+/g, '-');
  return {
    name: o.name,
    email: `finance@${slug}.example.ng`,
    phone: `0${random.pick(MOBILE_PREFIXES)}${String(1_000_000 + i * 104_729).slice(-7)}`,
    taxType: o.taxType,
    bankCode,
    // A valid NUBAN: nine digits and the check digit CBN's scheme gives them at this bank.
    accountNumber: `${serial}${nubanCheckDigit(bankCode, serial)}`,
    hospitals: o.hospitals,
  };
}

function planContracts(random: Random, today: number, windowStart: number): PlannedContract[] {
  const start = dateOfDay(firstOfMonth(new Date(windowStart * DAY).getUTCFullYear() - 1, 0));
  return DEMO_OWNERS.flatMap((o) =>
    o.hospitals.map((hospital) => ({
      ownerName: o.name,
      hospital,
      share: String(random.pick([60, 65, 70, 75])),
      // Kano's owner was promised more than its revenue pays: its payouts carry a top-up, and
      // being above the dual-approval threshold (₦10m by default) they need two approvers.
      guaranteeNaira: String(
        hospital === 'KAN-001' ? 12_000_000 : random.pick([1_000_000, 1_500_000, 2_000_000]),
      ),
      start,
      // One contract ends within 60 days: the dashboard's "ending soon".
      end: hospital === 'IBD-002' ? dateOfDay(today + 45) : undefined,
    })),
  );
}

function personName(random: Random, group: Group, gender: 'female' | 'male'): [string, string] {
  return [random.pick(FIRST_NAMES[group][gender]), random.pick(SURNAMES[group])];
}

function planDoctors(random: Random): PlannedDoctor[] {
  return DEMO_HOSPITALS.flatMap((h) => {
    const count = h.weight >= 10 ? 4 : 3;
    return Array.from({ length: count }, (_, i) => {
      const gender = random.chance(0.5) ? 'female' : 'male';
      const [first, last] = personName(random, random.weighted(h.groups), gender);
      const availability = ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({
        day,
        from: '08:00',
        to: '17:00',
      }));
      if (i === 0) availability.push({ day: 'sat', from: '09:00', to: '13:00' });
      return {
        code: `${h.code}-D${i + 1}`,
        hospital: h.code,
        name: `Dr. ${first} ${last}`,
        department:
          i === 0 ? 'general practice' : DEPARTMENTS[1 + ((i + h.weight) % (DEPARTMENTS.length - 1))],
        availability,
      };
    });
  });
}

function planPatients(random: Random, count: number, today: number, windowStart: number): PlannedPatient[] {
  const hospitalWeights = DEMO_HOSPITALS.map((h) => [h, h.weight] as const);
  // A multiplier coprime with 10^7 makes every patient's seven digits different.
  const offset = random.int(0, 9_999_999);
  return Array.from({ length: count }, (_, i) => {
    const h = random.weighted(hospitalWeights);
    const group = random.weighted(h.groups);
    const gender = random.chance(0.52) ? 'female' : 'male';
    const [firstName, lastName] = personName(random, group, gender);
    const digits = String((offset + i * 7_919) % 10_000_000).padStart(7, '0');
    const hasEmail = random.chance(0.35);
    const channel = random.chance(0.3) ? 'whatsapp' : 'sms';
    const born = today - random.int(365 * 1, 365 * 85);
    const created = random.chance(0.35)
      ? windowStart - random.int(1, 365)
      : windowStart + random.int(0, Math.max(0, today - windowStart - 1));
    return {
      externalId: `DEMO-${String(i + 1).padStart(6, '0')}`,
      hospital: h.code,
      firstName,
      lastName,
      phone: `+234${random.pick(MOBILE_PREFIXES)}${digits}`,
      email: hasEmail
        ? `${firstName}.${lastName}${i + 1}@${random.pick(EMAIL_DOMAINS)}`
            .toLowerCase()
            .replace(/[^a-z0-9.@-]/g, '')
        : null,
      dateOfBirth: dateOfDay(born),
      gender,
      language: random.weighted(LANGUAGES[group]),
      channel,
      consentSms: random.chance(0.9),
      consentWhatsapp: channel === 'whatsapp' || random.chance(0.2),
      consentEmail: hasEmail && random.chance(0.6),
      createdAt: lagosIso(created, random.int(8 * 60, 17 * 60)),
    };
  });
}

const TYPES = [
  ['consultation', 60],
  ['follow-up', 25],
  ['procedure', 10],
  ['emergency', 5],
] as const;

function planAppointments(
  random: Random,
  patients: PlannedPatient[],
  doctors: PlannedDoctor[],
  today: number,
): PlannedAppointment[] {
  const byHospital = groupDoctors(doctors);
  const out: PlannedAppointment[] = [];
  patients.forEach((p, index) => {
    const created = Math.floor(Date.parse(p.createdAt) / DAY);
    const from = created + 1;
    if (from >= today) return;
    const n = random.weighted([
      [1, 30],
      [2, 25],
      [3, 20],
      [4, 15],
      [5, 10],
    ] as const);
    const days = new Set<number>();
    for (let k = 0; k < n; k++) {
      let day = random.int(from, today - 1);
      if (weekday(day) === 0) day = Math.max(from, day - 1);
      days.add(day);
    }
    for (const day of [...days].sort((a, b) => a - b)) {
      const minutes = 9 * 60 + 30 * random.int(0, 15);
      const status = random.weighted([
        ['completed', 76],
        ['no_show', 12],
        ['cancelled', 12],
      ] as const);
      const booked = Math.max(created, day - random.int(1, 14));
      out.push({
        patient: index,
        doctor: random.pick(byHospital.get(p.hospital)!).code,
        type: random.weighted(TYPES),
        status,
        startsAt: lagosIso(day, minutes),
        endsAt: lagosIso(day, minutes + 30),
        createdAt: lagosIso(booked, 8 * 60 + random.int(0, 8 * 60)),
      });
    }
  });
  return out;
}

/**
 * The coming week's appointments, booked through the scheduling operation (so they get their
 * reminders): distinct patients, each doctor's half-hour slots on weekdays from today (the slots
 * at least an hour after now).
 */
function planBookings(
  random: Random,
  patients: PlannedPatient[],
  doctors: PlannedDoctor[],
  today: number,
  nowMinutes: number,
): PlannedBooking[] {
  const count = Math.min(400, Math.max(10, Math.floor(patients.length / 25)));
  const pools = new Map<string, number[]>();
  patients.forEach((p, i) => {
    const pool = pools.get(p.hospital) ?? [];
    pool.push(i);
    pools.set(p.hospital, pool);
  });
  for (const pool of pools.values()) shuffle(random, pool);
  const days: number[] = [];
  for (let d = today; days.length < 6; d++) if (weekday(d) >= 1 && weekday(d) <= 5) days.push(d);
  const out: PlannedBooking[] = [];
  const slotsPerDay = 16;
  for (let k = 0; out.length < count && k < doctors.length * days.length * slotsPerDay; k++) {
    const doctor = doctors[k % doctors.length];
    const slot = Math.floor(k / doctors.length);
    const day = days[slot % days.length];
    const minutes = 9 * 60 + 30 * (Math.floor(slot / days.length) % slotsPerDay);
    if (day === today && minutes < nowMinutes + 60) continue;
    const patient = pools.get(doctor.hospital)?.pop();
    if (patient === undefined) continue;
    const local = lagosIso(day, minutes);
    out.push({
      patient,
      doctor: doctor.code,
      type: random.weighted(TYPES.slice(0, 3)),
      at: `${local.slice(0, 10)} ${local.slice(11, 16)}`,
    });
  }
  return out;
}

function planTransactions(
  random: Random,
  count: number,
  today: number,
  nowMinutes: number,
  windowStart: number,
): PlannedTransaction[] {
  const hospitalWeights = DEMO_HOSPITALS.map((h) => [h.code, h.weight] as const);
  const serials = new Map<string, number>();
  const out: PlannedTransaction[] = [];
  for (let i = 0; i < count; i++) {
    const hospital = random.weighted(hospitalWeights);
    let day = random.int(windowStart, today);
    if (weekday(day) === 0) day = Math.max(windowStart, day - 1);
    let minutes = random.int(8 * 60, 20 * 60);
    if (day === today) minutes = Math.min(minutes, Math.max(0, nowMinutes - 1));
    const refund = random.chance(0.03);
    const band = random.weighted([
      [[5_000, 25_000], 60],
      [[8_000, 60_000], 25],
      [[80_000, 600_000], 15],
    ] as const);
    const naira = refund ? random.int(2_000, 30_000) : random.int(band[0], band[1]);
    const serial = (serials.get(hospital) ?? 0) + 1;
    serials.set(hospital, serial);
    out.push({
      hospital,
      reference: `DEMO-${hospital}-${String(serial).padStart(6, '0')}`,
      occurredAt: lagosIso(day, minutes),
      // Whole ₦50 amounts, as tills round them.
      amountKobo: Math.max(50, Math.round(naira / 50) * 50) * 100,
      kind: refund ? 'refund' : 'payment',
    });
  }
  return out;
}

function planFeedback(random: Random, appointments: PlannedAppointment[], now: Date): PlannedFeedback[] {
  const out: PlannedFeedback[] = [];
  appointments.forEach((a, index) => {
    if (a.status !== 'completed' || !random.chance(0.3)) return;
    const submitted = Math.min(Date.parse(a.endsAt) + random.int(1, 36) * HOUR, now.getTime() - HOUR);
    if (submitted <= Date.parse(a.endsAt)) return;
    const rating = random.weighted([
      [5, 40],
      [4, 30],
      [3, 15],
      [2, 9],
      [1, 6],
    ] as const);
    const [low, high] = rating === 5 ? [9, 10] : rating === 4 ? [7, 9] : rating === 3 ? [5, 7] : [0, 5];
    const mood = rating >= 4 ? 'good' : rating === 3 ? 'mixed' : 'bad';
    out.push({
      appointment: index,
      rating,
      nps: random.chance(0.75) ? random.int(low, high) : null,
      scoreDoctor: random.chance(0.4) ? Math.min(5, rating + random.int(0, 1)) : null,
      scoreWaitTime: random.chance(0.4) ? Math.max(1, rating - random.int(0, 1)) : null,
      comment: random.chance(0.35) ? random.pick(FEEDBACK_COMMENTS[mood]) : null,
      submittedAt: new Date(submitted).toISOString(),
    });
  });
  return out;
}

function groupDoctors(doctors: PlannedDoctor[]): Map<string, PlannedDoctor[]> {
  const map = new Map<string, PlannedDoctor[]>();
  for (const d of doctors) map.set(d.hospital, [...(map.get(d.hospital) ?? []), d]);
  return map;
}

function shuffle<T>(random: Random, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
}
