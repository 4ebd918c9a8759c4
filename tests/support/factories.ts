/**
 * Test data through the same core operations the commands use, so every record a test makes has
 * passed the product's own validation. Each builder fills in what the test does not care about
 * (a fresh code, a valid NUBAN, a unique phone) and takes overrides for what it does; a record it
 * depends on (a contract's owner and hospital, an appointment's patient and doctor) is made too
 * unless given.
 */
import { scheduleAppointment } from '../../src/core/appointments/schedule-appointment.js';
import type { BulkServiceContext, ServiceContext } from '../../src/core/context.js';
import { activateContract } from '../../src/core/contracts/activate-contract.js';
import type { ContractView } from '../../src/core/contracts/contract.view.js';
import type { ContractInput } from '../../src/core/contracts/contract-input.js';
import { createContract } from '../../src/core/contracts/create-contract.js';
import { addDoctor } from '../../src/core/doctors/add-doctor.js';
import type { DoctorView } from '../../src/core/doctors/doctor.view.js';
import { addAvailability } from '../../src/core/doctors/set-availability.js';
import { type AddHospitalInput, addHospital } from '../../src/core/hospitals/add-hospital.js';
import type { HospitalView } from '../../src/core/hospitals/hospital.view.js';
import { type AddOwnerInput, addOwner } from '../../src/core/owners/add-owner.js';
import type { OwnerView } from '../../src/core/owners/owner.view.js';
import { type AddPatientInput, addPatient } from '../../src/core/patients/add-patient.js';
import type { PatientView } from '../../src/core/patients/patient.view.js';
import { importTransactions } from '../../src/core/transactions/transaction-import.service.js';
import { writeTempFile } from './files.js';

let sequence = 0;
/** A number no other record of this test process has used. */
const next = () => ++sequence;

/** A hospital with a fresh code (`T-0001`, …) in Lagos unless told otherwise. */
export async function makeHospital(
  ctx: ServiceContext,
  overrides: Partial<AddHospitalInput> = {},
): Promise<HospitalView> {
  const code = overrides.code ?? `T-${String(next()).padStart(4, '0')}`;
  return addHospital(ctx, { code, name: `Hospital ${code}`, state: 'Lagos', city: 'Lagos', ...overrides });
}

/**
 * A company owner paid to a valid GTBank (058) account; a fresh e-mail keeps owners apart
 * (e-mails are unique).
 */
export async function makeOwner(
  ctx: ServiceContext,
  overrides: Partial<AddOwnerInput> = {},
): Promise<OwnerView> {
  const n = next();
  return addOwner(ctx, {
    name: `Owner ${n} Ltd`,
    email: `owner${n}@example.ng`,
    taxType: 'company',
    bankCode: '058',
    accountNumber: '0123456785',
    ...overrides,
  });
}

export interface ContractOverrides extends ContractInput {
  /** Activate it after creating it (default true). */
  activate?: boolean;
}

/**
 * A monthly contract, 70% share and a ₦500,000 guarantee from 2026-01-01, open-ended and active;
 * its owner and hospital are made unless given (by id, e-mail or code).
 */
export async function makeContract(
  ctx: ServiceContext,
  overrides: ContractOverrides = {},
): Promise<ContractView> {
  const { activate = true, ...input } = overrides;
  const owner = input.owner ?? (await makeOwner(ctx)).id;
  const hospital = input.hospital ?? (await makeHospital(ctx)).code;
  const draft = await createContract(ctx, {
    share: '70',
    guarantee: '500000',
    frequency: 'monthly',
    start: '2026-01-01',
    ...input,
    owner,
    hospital,
  });
  return activate ? activateContract(ctx, draft.number) : draft;
}

/** A valid MTN number no other patient of this process has: 0803 and seven digits. */
export function freshPhone(): string {
  return `0803${String(next()).padStart(7, '0')}`;
}

/** A patient with a fresh phone, consenting to SMS, at the given hospital (or none). */
export async function makePatient(
  ctx: ServiceContext,
  overrides: Partial<AddPatientInput> = {},
): Promise<PatientView> {
  return addPatient(ctx, {
    firstName: 'Test',
    lastName: `Patient${next()}`,
    phone: freshPhone(),
    consent: { sms: true },
    ...overrides,
  });
}

export interface DoctorOverrides {
  hospital?: string;
  name?: string;
  department?: string;
  code?: string;
  /** Weekly windows; default Monday to Saturday, 08:00–18:00 Lagos time. */
  hours?: { day: string; from: string; to: string }[];
}

const WORKING_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => ({
  day,
  from: '08:00',
  to: '18:00',
}));

/** A doctor with working hours, at the given hospital (made unless given). */
export async function makeDoctor(ctx: ServiceContext, overrides: DoctorOverrides = {}): Promise<DoctorView> {
  const hospital = overrides.hospital ?? (await makeHospital(ctx)).code;
  const doctor = await addDoctor(ctx, {
    hospital,
    name: overrides.name ?? `Dr Test ${next()}`,
    department: overrides.department ?? 'General Practice',
    code: overrides.code,
  });
  let withHours = doctor;
  for (const window of overrides.hours ?? WORKING_WEEK)
    withHours = await addAvailability(ctx, doctor.code, window);
  return withHours;
}

/**
 * An appointment (a consultation unless told otherwise) at `at`, Lagos time; the patient and the
 * doctor are made at one hospital unless given.
 */
export async function makeAppointment(
  ctx: ServiceContext,
  input: { at: string; patient?: string; doctor?: string; type?: string; durationMinutes?: number },
) {
  let { patient, doctor } = input;
  if (!patient || !doctor) {
    const hospital = (await makeHospital(ctx)).code;
    patient ??= (await makePatient(ctx, { hospital })).phone!;
    doctor ??= (await makeDoctor(ctx, { hospital })).code;
  }
  return scheduleAppointment(ctx, {
    patient,
    doctor,
    type: input.type ?? 'consultation',
    at: input.at,
    durationMinutes: input.durationMinutes,
  });
}

export interface TransactionRow {
  hospital: string;
  reference?: string;
  /** Lagos time, `YYYY-MM-DD HH:mm`. */
  at: string;
  /** Naira, as the bank's CSV writes it (`150000.50`). */
  amount: string;
  kind?: 'payment' | 'refund';
}

/** Loads transactions through the transaction import (a fresh reference for each unless given). */
export async function importTransactionRows(ctx: BulkServiceContext, rows: TransactionRow[]) {
  const lines = rows.map(
    (r) => `${r.hospital},${r.reference ?? `TX-${next()}`},${r.at},${r.amount},${r.kind ?? 'payment'}`,
  );
  const file = writeTempFile(`hospital,reference,occurred_at,amount,kind\n${lines.join('\n')}\n`);
  return importTransactions(ctx, { file });
}
