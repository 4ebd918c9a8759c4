import { Policy } from '../access/policy.entity.js';
import { Appointment } from '../appointments/appointment.entity.js';
import { AuditChainHead, AuditLog } from '../audit/audit-log.entity.js';
import { Campaign, CampaignRecipient } from '../campaigns/campaign.entity.js';
import { Contract, ContractMilestone } from '../contracts/contract.entity.js';
import { Doctor, DoctorAvailability, DoctorTimeOff } from '../doctors/doctor.entity.js';
import { Feedback } from '../feedback/feedback.entity.js';
import { FeedbackAlert } from '../feedback/feedback-alert.entity.js';
import { FeedbackSuggestion } from '../feedback/feedback-suggestion.entity.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { PatientImport } from '../imports/patient-import.entity.js';
import {
  LoyaltyAccount,
  LoyaltyExpiryNotice,
  LoyaltyLot,
  LoyaltyRedemption,
  LoyaltyReward,
  LoyaltyTierChange,
  LoyaltyTransaction,
} from '../loyalty/loyalty.entity.js';
import { Message } from '../messaging/message.entity.js';
import { MessageTemplate } from '../messaging/message-template.entity.js';
import { Owner } from '../owners/owner.entity.js';
import { OwnerCommunication } from '../owners/owner-communication.entity.js';
import { OwnerSatisfaction } from '../owners/owner-satisfaction.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { HospitalRevenueDay } from '../payouts/hospital-revenue-day.entity.js';
import { Payout } from '../payouts/payout.entity.js';
import { PayoutAdjustment } from '../payouts/payout-adjustment.entity.js';
import { PayoutApproval } from '../payouts/payout-approval.entity.js';
import { PayoutRun } from '../payouts/payout-run.entity.js';
import { Reminder } from '../reminders/reminder.entity.js';
import { HospitalTransaction } from '../transactions/hospital-transaction.entity.js';

/** The explicit entity list: no folder discovery, so start-up stays fast and works under vitest. */
export const entities = [
  Hospital,
  Patient,
  // messaging and reminders
  Message,
  MessageTemplate,
  Reminder,
  // doctors and appointments
  Doctor,
  DoctorAvailability,
  DoctorTimeOff,
  Appointment,
  // imports
  PatientImport,
  HospitalTransaction,
  // contracts
  Contract,
  ContractMilestone,
  // payouts
  Payout,
  PayoutRun,
  PayoutApproval,
  PayoutAdjustment,
  HospitalRevenueDay,
  // feedback
  Feedback,
  FeedbackAlert,
  FeedbackSuggestion,
  // owners, patients and audit
  Owner,
  OwnerCommunication,
  OwnerSatisfaction,
  AuditLog,
  // campaigns
  Campaign,
  CampaignRecipient,
  // access control
  AuditChainHead,
  Policy,
  // loyalty
  LoyaltyAccount,
  LoyaltyTransaction,
  LoyaltyLot,
  LoyaltyTierChange,
  LoyaltyReward,
  LoyaltyRedemption,
  LoyaltyExpiryNotice,
];
