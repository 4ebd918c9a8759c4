import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { CrmError, type ExitCodeValue, UnavailableError } from '../errors.js';
import {
  createDataDir,
  embeddedFailure,
  inspectDataDir,
  noDatabaseError,
  notADatabaseError,
} from './embedded-folder.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import type { ServiceOptions } from './embedded-service.js';
import type { StarterMessage } from './embedded-service.main.js';
import {
  BLOB_PREFIX,
  COPY_BLOB_MARK,
  isAlive,
  readServiceInfo,
  type ServiceInfo,
} from './embedded-service-files.js';
import type { PgClientLike } from './sql.js';

/**
 * A command's side of the embedded database's service (embedded-service.ts): finding it, or
 * starting it when it is not running (not yet, stopped when idle, or killed — PostgreSQL's own
 * recovery then replays what was committed), one starter at a time per folder.
 */
export interface EnsureOptions {
  dataDir: string;
  create: boolean;
  idleMs: number;
  /** PostgreSQL's buffer cache in the service's PGlite (config.embeddedSharedBuffers). */
  sharedBuffers: string;
  lockWaitMs: number;
  notice?: (text: string) => void;
  warn?: (text: string) => void;
  /** Shown while starting takes longer than a second (a spinner on a terminal). */
  progress?: (text: string) => () => void;
}

/**
 * The options of a command's folder service, from the configuration and what the command passes
 * on (whether it may create the database; how it tells the operator).
 */
export function ensureOptionsOf(
  config: Pick<Config, 'dataDir' | 'serviceIdleMs' | 'embeddedSharedBuffers' | 'embeddedLockWaitMs'>,
  command: Pick<EnsureOptions, 'create' | 'notice' | 'warn' | 'progress'>,
): EnsureOptions {
  return {
    dataDir: config.dataDir,
    create: command.create,
    idleMs: config.serviceIdleMs,
    sharedBuffers: config.embeddedSharedBuffers,
    lockWaitMs: config.embeddedLockWaitMs,
    notice: command.notice,
    warn: command.warn,
    progress: command.progress,
  };
}

/** Whether a connect failed because no service listens on the socket (not running, or just gone). */
export function isNoService(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET';
}

/** The running service of a folder, if its process is alive. */
export function runningService(dataDir: string): ServiceInfo | undefined {
  const info = readServiceInfo(dataDir);
  return info && isAlive(info.pid) ? info : undefined;
}

function serviceEntry(): string[] {
  // Bundled: beside this chunk. From the sources (tests): tsc's output, as for the import worker.
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(
    fromSource ? '../../../dist/src/core/db/embedded-service.main.js' : './embedded-service.main.js',
    import.meta.url,
  );
  return [fileURLToPath(url)];
}

/** Starts the service and waits until it takes clients (or says why it cannot). */
function spawnService(options: EnsureOptions): Promise<ServiceInfo> {
  const serviceOptions: ServiceOptions = {
    dataDir: options.dataDir,
    create: options.create,
    idleMs: options.idleMs,
    sharedBuffers: options.sharedBuffers,
    lockWaitMs: options.lockWaitMs,
  };
  const child = spawn(process.execPath, [...serviceEntry(), JSON.stringify(serviceOptions)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  return new Promise<ServiceInfo>((resolve, reject) => {
    let settled = false;
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (child.connected) child.disconnect();
      child.unref();
      if (error) reject(error);
      else {
        const info = readServiceInfo(options.dataDir);
        if (info) resolve(info);
        else
          reject(
            new UnavailableError(
              'embedded_service_failed',
              `the embedded database service of ${options.dataDir} did not start`,
            ),
          );
      }
    };
    child.on('message', (message: StarterMessage) => {
      if (message.kind === 'notice') options.notice?.(message.text);
      else if (message.kind === 'warn') options.warn?.(message.text);
      else if (message.kind === 'ready') done();
      else if (message.kind === 'error')
        done(new CrmError(message.code, message.message, message.exitCode as ExitCodeValue));
    });
    child.on('error', (error) =>
      done(
        new UnavailableError(
          'embedded_service_failed',
          `cannot start the embedded database service: ${error.message}`,
        ),
      ),
    );
    child.on('exit', (code, signal) =>
      done(
        new UnavailableError(
          'embedded_service_failed',
          `the embedded database service of ${options.dataDir} stopped while starting (${signal ?? `exit ${code}`})`,
        ),
      ),
    );
  });
}

/**
 * The folder's service, started if need be. `connect` is tried on a service that looks alive; a
 * false answer (its socket refuses: a dead service's pid taken by another process) starts anew.
 */
export async function ensureService(
  options: EnsureOptions,
  connect: (info: ServiceInfo) => Promise<boolean>,
): Promise<ServiceInfo> {
  const dir = options.dataDir;
  const running = runningService(dir);
  if (running && (await connect(running))) return running;
  const before = inspectDataDir(dir);
  if (before.kind === 'foreign') throw notADatabaseError(dir, before.entries);
  if (before.kind !== 'database' && !options.create) throw noDatabaseError(dir);
  if (before.kind === 'missing') createDataDir(dir);
  const stopProgress = startProgress(options, `opening the embedded database in ${dir}`);
  // One starter at a time: the others wait, then find the service it started. They look every
  // 20 ms (the service starts in under a second; the folder's own lock polls every 100 ms).
  const startLock = await acquireEmbeddedLock(
    join(dir, 'crm.lock.start'),
    'starting the database service',
    120_000,
    20,
  );
  try {
    const started = runningService(dir);
    if (started && started.pid !== running?.pid && (await connect(started))) return started;
    const info = await spawnService(options);
    if (!(await connect(info)))
      throw new UnavailableError(
        'embedded_service_failed',
        `cannot connect to the embedded database service of ${dir}`,
      );
    return info;
  } finally {
    startLock.release();
    stopProgress();
  }
}

function startProgress(options: EnsureOptions, text: string): () => void {
  if (!options.progress) return () => {};
  let stop: (() => void) | undefined;
  const timer = setTimeout(() => {
    stop = options.progress!(text);
  }, 1000);
  return () => {
    clearTimeout(timer);
    stop?.();
  };
}

let blobCount = 0;

/**
 * `COPY … FROM '/dev/blob'` through the service, on the connection (and in the transaction) of
 * `client`: the data goes in a private file in the data folder, which the service hands PGlite.
 */
export async function copyBlobThroughService(
  dataDir: string,
  client: PgClientLike,
  copySql: string,
  data: string | Uint8Array,
): Promise<void> {
  const name = `${BLOB_PREFIX}${process.pid}.${++blobCount}`;
  const file = join(dataDir, name);
  writeFileSync(file, data, { mode: 0o600 });
  try {
    await client.query(`${COPY_BLOB_MARK}${name}*/ ${copySql}`);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Stops a folder's service (SIGTERM: it lets its clients finish, then closes cleanly). */
export async function stopService(dataDir: string, waitMs = 60_000): Promise<ServiceInfo | undefined> {
  const info = runningService(dataDir);
  if (!info) return undefined;
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return undefined;
  }
  const deadline = Date.now() + waitMs;
  while (isAlive(info.pid)) {
    if (Date.now() > deadline)
      throw new UnavailableError(
        'embedded_service_busy',
        `the embedded database service (pid ${info.pid}) has not stopped after ${Math.round(waitMs / 1000)} s`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
  return info;
}

/** A failure to find or start the service as the command reports it (exit 7 naming the folder). */
export function serviceFailure(error: unknown, dir: string): Error {
  return (
    embeddedFailure(error, dir) ??
    (error instanceof UnavailableError || (error as { exitCode?: number }).exitCode !== undefined
      ? (error as Error)
      : new UnavailableError(
          'embedded_database_unavailable',
          `cannot open the embedded database in ${dir}: ${(error as Error).message}`,
          { cause: error },
        ))
  );
}

/**
 * Starts the folder's service if it is not running, without connecting: a command calls this
 * before it loads MikroORM (~a third of a read's start-up), so that the two overlap — PGlite
 * starts in the service's process while this one loads the ORM. The command's own open
 * (database.ts) then finds the service running and connects; if it was not usable after all (a
 * live pid that is not a service), that open starts one as before. Rejects with the error the
 * command reports (a missing or foreign folder, a damaged database: exit 7).
 */
export async function startServiceEarly(options: EnsureOptions): Promise<void> {
  if (runningService(options.dataDir)) return;
  try {
    await ensureService(options, async () => true);
  } catch (error) {
    throw serviceFailure(error, options.dataDir);
  }
}
