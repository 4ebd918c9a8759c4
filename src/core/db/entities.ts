import { Hospital } from '../hospitals/hospital.entity.js';
import { PatientImport } from '../imports/patient-import.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { HospitalTransaction } from '../transactions/hospital-transaction.entity.js';

/** The explicit entity list: no folder discovery, so start-up stays fast and works under vitest. */
export const entities = [
  Hospital,
  Patient,
  // imports
  PatientImport,
  HospitalTransaction,
];
