import type { Hospital } from './hospital.entity.js';
import type { HospitalRow } from './hospital.sql.js';

/** A hospital as commands print it and `--json` shows it. */
export interface HospitalView {
  id: string;
  code: string;
  name: string;
  state: string;
  city: string;
  address: string | null;
  managerEmail: string | null;
  patients?: number;
}

export function toHospitalView(h: Hospital): HospitalView {
  return {
    id: h.id,
    code: h.code,
    name: h.name,
    state: h.state,
    city: h.city,
    address: h.address ?? null,
    managerEmail: h.managerEmail ?? null,
  };
}

/** The same view of a row read with SQL (hospital.sql.ts). */
export function hospitalViewOfRow(row: HospitalRow): HospitalView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    state: row.state,
    city: row.city,
    address: row.address,
    managerEmail: row.manager_email,
  };
}
