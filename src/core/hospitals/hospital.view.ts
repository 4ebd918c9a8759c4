import type { Hospital } from './hospital.entity.js';

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
