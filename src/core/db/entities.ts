import { Hospital } from '../hospitals/hospital.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { HospitalRevenueDay } from '../payouts/hospital-revenue-day.entity.js';
import { Payout } from '../payouts/payout.entity.js';
import { PayoutApproval } from '../payouts/payout-approval.entity.js';
import { PayoutRun } from '../payouts/payout-run.entity.js';

/** The explicit entity list: no folder discovery, so start-up stays fast and works under vitest. */
export const entities = [
  Hospital,
  Patient,
  // payouts
  Payout,
  PayoutRun,
  PayoutApproval,
  HospitalRevenueDay,
];
