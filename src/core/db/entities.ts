import { Contract, ContractMilestone } from '../contracts/contract.entity.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { Patient } from '../patients/patient.entity.js';

/** The explicit entity list: no folder discovery, so start-up stays fast and works under vitest. */
export const entities = [
  Hospital,
  Patient,
  // contracts
  Contract,
  ContractMilestone,
];
