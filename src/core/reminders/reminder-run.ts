import { randomUUID } from 'node:crypto';
import type { Messenger } from '../messaging/messenger.js';
import type { Channel } from '../patients/patient.entity.js';

export interface ReminderRunResult {
  sent: number;
  failed: number;
  deferred: number;
  /** Appointments that started (or are no longer on) before their reminder could go. */
  expired: number;
  retrying: number;
}

export interface ReminderRunOptions {
  /** At most this many reminders in this run (default: all that are due). */
  limit?: number;
  dryRun?: boolean;
  /** Reminders claimed per transaction (default 200). */
  batchSize?: number;
  /** Provider calls in flight at once; also the size of an outcome commit (default 16). */
  concurrency?: number;
  /** How long a claim holds before another runner may take the reminder again (default 300 s). */
  leaseSeconds?: number;
  /** Attempts before a transiently failing reminder fails for good (default 5). */
  maxAttempts?: number;
  runnerId?: string;
  /** Called after each batch (progress on a TTY). */
  onProgress?: (result: ReminderRunResult) => void;
}

/** The run's settings with their defaults filled in. */
export interface RunSettings {
  batchSize: number;
  concurrency: number;
  leaseSeconds: number;
  maxAttempts: number;
  runnerId: string;
}

export function runSettings(options: ReminderRunOptions): RunSettings {
  return {
    batchSize: options.batchSize ?? 200,
    concurrency: options.concurrency ?? 16,
    leaseSeconds: options.leaseSeconds ?? 300,
    maxAttempts: options.maxAttempts ?? 5,
    runnerId: options.runnerId ?? randomUUID(),
  };
}

export type MessengerFactory = (channels: Channel[]) => Promise<Messenger>;

export function emptyResult(): ReminderRunResult {
  return { sent: 0, failed: 0, deferred: 0, expired: 0, retrying: 0 };
}
