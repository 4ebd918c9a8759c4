import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the embedded database's service can be found: `crm.service` in the data folder (pid,
 * since when, the folder of its socket). The socket is `.s.PGSQL.5432` in that folder, the name
 * `pg` looks for when given a folder as host. Without dependencies: the service, its clients,
 * `crm db stop` and `crm db status` read it.
 */
export const SERVICE_FILE = 'crm.service';
export const SOCKET_NAME = '.s.PGSQL.5432';
export const SOCKET_PORT = 5432;
/** Files a client hands the service a COPY's data in (PGlite cannot take COPY FROM STDIN). */
export const BLOB_PREFIX = 'crm.blob.';
/** The marker at the start of a Query that is a COPY from such a file. */
export const COPY_BLOB_MARK = '/*crm:copy-blob ';

export interface ServiceInfo {
  pid: number;
  /** ISO 8601, when it started. */
  since: string;
  /** The folder holding its socket. */
  socketDir: string;
}

/** Unix socket paths are limited to 107 bytes on Linux (103 on macOS). */
const SOCKET_PATH_MAX = 100;

/**
 * The socket's folder: the data folder itself (0700), or, when that path is too long for a
 * socket, a new private (0700) folder under the temporary directory.
 */
/** Whether the service's socket goes in the data folder itself (the path is short enough). */
export function socketFitsInDataDir(dataDir: string): boolean {
  return Buffer.byteLength(join(dataDir, SOCKET_NAME)) <= SOCKET_PATH_MAX;
}

export function chooseSocketDir(dataDir: string): string {
  if (socketFitsInDataDir(dataDir)) return dataDir;
  return mkdtempSync(join(tmpdir(), 'crm-db-'));
}

export function readServiceInfo(dataDir: string): ServiceInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, SERVICE_FILE), 'utf8')) as ServiceInfo;
    return Number.isInteger(info?.pid) && typeof info.socketDir === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

export function removeServiceInfo(dataDir: string, pid: number): void {
  if (readServiceInfo(dataDir)?.pid === pid) rmSync(join(dataDir, SERVICE_FILE), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's resident memory in bytes (Linux: /proc; undefined elsewhere). */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The high-water mark of a process's resident memory in bytes (Linux only). */
export function peakResidentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
