/**
 * `crm analytics journey PATIENT`: everything that happened to one patient, in time order —
 * registration, each appointment's booking, reminders and visit (with how it ended), feedback,
 * loyalty points, and the campaigns that reached them (journey.sql.ts, one statement).
 */
import type { ServiceContext } from '../context.js';
import { patientRepository } from '../patients/patient.repository.js';
import { toIsoLagos } from '../time.js';
import { type JourneyRow, journeyRows } from './journey.sql.js';

export interface JourneyEvent {
  /** ISO 8601, Lagos. */
  at: string;
  kind: JourneyRow['kind'];
  /** Appointment or feedback code, campaign slug, hospital code at registration; null for points. */
  ref: string | null;
  /** The appointment's status, the message's delivery status, the points entry's kind… */
  status: string | null;
  detail: string | null;
}

export interface PatientJourney {
  patient: { id: string; name: string };
  events: JourneyEvent[];
}

export async function patientJourney(ctx: ServiceContext, ref: string): Promise<PatientJourney> {
  const patient = await patientRepository(ctx.em).getByRef(ref);
  const rows = await journeyRows(ctx.em, patient.id);
  return {
    patient: { id: patient.id, name: `${patient.firstName} ${patient.lastName}`.trim() },
    events: rows.map((r) => ({
      at: toIsoLagos(new Date(r.at)),
      kind: r.kind,
      ref: r.ref,
      status: r.status,
      detail: r.detail,
    })),
  };
}
