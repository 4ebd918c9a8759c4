import { AuditLog } from '../audit/audit-log.entity.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { Owner } from '../owners/owner.entity.js';
import { OwnerCommunication } from '../owners/owner-communication.entity.js';
import { OwnerSatisfaction } from '../owners/owner-satisfaction.entity.js';
import { Patient } from '../patients/patient.entity.js';

/** The explicit entity list: no folder discovery, so start-up stays fast and works under vitest. */
export const entities = [
  Hospital,
  Patient,
  // owners, patients and audit
  Owner,
  OwnerCommunication,
  OwnerSatisfaction,
  AuditLog,
];
