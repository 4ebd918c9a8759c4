/**
 * The embedded database as a small local service: one background process per data folder holds
 * the folder's lock, opens PGlite once and serves the PostgreSQL wire protocol on a Unix socket
 * (0600, in a 0700 folder — never a TCP port). Every `crm` on the embedded database connects to
 * it as a client, as to a PostgreSQL server (embedded-service-client.ts starts it when needed).
 *
 * PGlite is one session. Clients are queued by whole transactions: a connection that sends
 * something gets the session and keeps it until PostgreSQL says the session is idle again
 * (ReadyForQuery 'I'); other connections' messages wait meanwhile. So no client ever sees
 * another's half-done transaction, and a transaction of one process never interleaves with
 * another's. Session state that outlives a transaction (SET, temporary tables, named prepared
 * statements) would leak from one client to the next: `crm` keeps such state inside transactions
 * (SET LOCAL, ON COMMIT DROP, unnamed statements), and a client's session is reset (DISCARD ALL)
 * when it disconnects.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server, type Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { UnavailableError } from '../errors.js';
import {
  createDataDir,
  embeddedFailure,
  folderMode,
  holdPrivateUmask,
  inspectDataDir,
  noDatabaseError,
  notADatabaseError,
  restrictRelcacheFiles,
  restrictTree,
} from './embedded-folder.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import { checkFileManifest, writeFileManifest } from './embedded-manifest.js';
import type { WasmModule } from './embedded-pglite.js';
import {
  BLOB_PREFIX,
  COPY_BLOB_MARK,
  chooseSocketDir,
  removeServiceInfo,
  SERVICE_FILE,
  type ServiceInfo,
  SOCKET_NAME,
} from './embedded-service-files.js';
import {
  CANCEL_REQUEST,
  errorResponse,
  GSSENC_REQUEST,
  lastStatus,
  MessageReader,
  PROTOCOL_3,
  queryMessage,
  queryText,
  SSL_REQUEST,
  SYNC,
  startupReply,
} from './embedded-wire.js';

export interface ServiceOptions {
  dataDir: string;
  /** Whether a missing or empty folder may become a new database. */
  create: boolean;
  /** Stop after this long without a client. */
  idleMs: number;
  /** PostgreSQL's buffer cache in PGlite (a PostgreSQL size: config.embeddedSharedBuffers). */
  sharedBuffers: string;
  /** How long to wait for the folder's lock (held by a command not using the service). */
  lockWaitMs: number;
}

export interface ServiceEvents {
  notice(text: string): void;
  warn(text: string): void;
}

/** The one session of PGlite, handed to one connection at a time. */
class SessionQueue {
  private owner: Connection | undefined;
  private readonly waiting: { conn: Connection; grant: () => void }[] = [];

  get holder(): Connection | undefined {
    return this.owner;
  }

  async acquire(conn: Connection): Promise<void> {
    if (this.owner === conn) return;
    if (!this.owner) {
      this.owner = conn;
      return;
    }
    await new Promise<void>((grant) => this.waiting.push({ conn, grant }));
  }

  release(conn: Connection): void {
    if (this.owner !== conn) {
      const at = this.waiting.findIndex((w) => w.conn === conn);
      if (at >= 0) this.waiting.splice(at, 1);
      return;
    }
    const next = this.waiting.shift();
    this.owner = next?.conn;
    next?.grant();
  }
}

class Connection {
  private readonly reader = new MessageReader();
  private started = false;
  private busy = false;
  private closed = false;
  private ended = false;
  /** Whether the session is this connection's until PostgreSQL says it is idle. */
  private holding = false;

  constructor(
    private readonly socket: Socket,
    private readonly service: EmbeddedService,
  ) {
    socket.on('data', (chunk) => {
      this.reader.push(chunk);
      void this.pump();
    });
    socket.on('close', () => {
      this.closed = true;
      void this.pump();
    });
    socket.on('error', () => {});
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.closed) {
        if (!this.started) {
          const first = this.reader.next(true);
          if (!first) break;
          this.startup(first);
          continue;
        }
        const batch: Buffer[] = [];
        let terminate = false;
        let any = false;
        for (let msg = this.reader.next(false); msg; msg = this.reader.next(false)) {
          any = true;
          if (msg[0] === 0x58 /* X */) {
            terminate = true;
            break;
          }
          if (msg[0] === 0x51 /* Q */ && queryText(msg).startsWith(COPY_BLOB_MARK)) {
            if (batch.length) await this.run(Buffer.concat(batch.splice(0)));
            await this.runCopyBlob(msg);
            continue;
          }
          batch.push(msg);
        }
        if (batch.length) await this.run(Buffer.concat(batch));
        if (terminate) {
          this.socket.end();
          this.closed = true;
        }
        // Messages that arrived while this ran are taken on the next round.
        if (!any) break;
      }
    } catch (error) {
      this.service.fail(error);
    } finally {
      this.busy = false;
    }
    if (this.closed) await this.end();
  }

  private startup(first: Buffer): void {
    const code = first.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.socket.write('N');
      return;
    }
    if (code === CANCEL_REQUEST || code !== PROTOCOL_3) {
      this.socket.destroy();
      this.closed = true;
      return;
    }
    this.started = true;
    this.socket.write(startupReply(this.service.parameters, process.pid, 0));
  }

  /** Runs messages on the session, which this connection holds until the reply says idle. */
  private async run(messages: Buffer): Promise<void> {
    await this.service.session.acquire(this);
    this.holding = true;
    const reply = await this.service.exec(messages);
    if (!this.closed) this.socket.write(reply);
    this.settle(lastStatus(reply));
  }

  private settle(status: 'I' | 'T' | 'E' | undefined): void {
    if (status === 'I') {
      this.holding = false;
      this.service.session.release(this);
    }
  }

  /** `/*crm:copy-blob FILE*\/ COPY … FROM '/dev/blob'`: the COPY with the file as its data. */
  private async runCopyBlob(msg: Buffer): Promise<void> {
    const text = queryText(msg);
    const name = text.slice(COPY_BLOB_MARK.length, text.indexOf('*/'));
    await this.service.session.acquire(this);
    this.holding = true;
    let reply: Uint8Array;
    if (!name.startsWith(BLOB_PREFIX) || basename(name) !== name) {
      reply = Buffer.concat([
        errorResponse('22023', `not a COPY data file: ${name}`),
        await this.service.exec(SYNC),
      ]);
    } else {
      reply = await this.service.execWithBlob(msg, join(this.service.dataDir, name));
    }
    if (!this.closed) this.socket.write(reply);
    this.settle(lastStatus(reply));
  }

  /** A client gone: its open transaction is rolled back, its session state reset. */
  private async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const session = this.service.session;
    if (!this.started) {
      this.service.forget(this);
      return;
    }
    if (this.holding || session.holder === this) {
      await this.service.exec(SYNC);
      await this.service.exec(queryMessage('rollback'));
    } else {
      await session.acquire(this);
    }
    await this.service.exec(queryMessage('discard all'));
    this.holding = false;
    session.release(this);
    this.service.forget(this);
  }
}

export class EmbeddedService {
  readonly session = new SessionQueue();
  parameters: Record<string, string> = {};
  private readonly connections = new Set<Connection>();
  private server: Server | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private socketDir = '';
  private release: () => void = () => {};
  private resolveDone: () => void = () => {};
  /** Settles once the service has stopped and left the folder. */
  readonly done = new Promise<void>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    readonly dataDir: string,
    private readonly pglite: PGlite,
    private readonly idleMs: number,
  ) {}

  exec(messages: Uint8Array): Promise<Uint8Array> {
    return this.pglite.execProtocolRaw(messages);
  }

  async execWithBlob(msg: Buffer, file: string): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      return Buffer.concat([
        errorResponse('58P01', `cannot read COPY data file ${file}: ${(error as Error).message}`),
        await this.exec(SYNC),
      ]);
    }
    const whole =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes.buffer
        : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    // PGlite's own query() does the same around a query with a blob (embedded-pglite.ts).
    await this.pglite._handleBlob({ size: whole.byteLength, arrayBuffer: async () => whole } as Blob);
    try {
      return await this.exec(msg);
    } finally {
      await this.pglite._cleanupBlob();
    }
  }

  async listen(): Promise<ServiceInfo> {
    const [version] = (await this.pglite.query<{ v: string }>('show server_version')).rows;
    const [zone] = (await this.pglite.query<{ v: string }>('show timezone')).rows;
    this.parameters = {
      server_version: Object.values(version ?? {})[0] as string,
      server_encoding: 'UTF8',
      client_encoding: 'UTF8',
      DateStyle: 'ISO, MDY',
      integer_datetimes: 'on',
      standard_conforming_strings: 'on',
      TimeZone: Object.values(zone ?? {})[0] as string,
    };
    this.socketDir = chooseSocketDir(this.dataDir);
    const path = join(this.socketDir, SOCKET_NAME);
    // The lock is this process's: a socket file left there is a dead service's.
    rmSync(path, { force: true });
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
    const info: ServiceInfo = {
      pid: process.pid,
      since: new Date().toISOString(),
      socketDir: this.socketDir,
    };
    writeFileSync(join(this.dataDir, SERVICE_FILE), JSON.stringify(info), { mode: 0o600 });
    // The first client (whoever started the service) gets at least a minute to connect.
    this.armIdle(Math.max(this.idleMs, 60_000));
    // A data folder removed or taken over (its service file gone or another's): nothing to serve.
    this.watchTimer = setInterval(() => {
      try {
        const current = JSON.parse(readFileSync(join(this.dataDir, SERVICE_FILE), 'utf8')) as ServiceInfo;
        if (current.pid === process.pid) return;
      } catch {}
      void this.stop();
    }, 2000);
    this.watchTimer.unref();
    return info;
  }

  holdLock(release: () => void): void {
    this.release = release;
  }

  private accept(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    clearTimeout(this.idleTimer);
    this.connections.add(new Connection(socket, this));
  }

  forget(conn: Connection): void {
    this.connections.delete(conn);
    if (this.connections.size === 0) this.armIdle();
  }

  private armIdle(ms = this.idleMs): void {
    clearTimeout(this.idleTimer);
    if (this.connections.size > 0) return;
    this.idleTimer = setTimeout(() => void this.stop(), ms);
  }

  /** A failure of PGlite itself (an abort): the service ends; the next command restarts it. */
  fail(error: unknown): void {
    process.stderr.write(`embedded database service: ${(error as Error)?.message ?? error}\n`);
    removeServiceInfo(this.dataDir, process.pid);
    process.exit(1);
  }

  /** Stops taking clients, lets those connected finish (up to 30 s), closes PGlite cleanly. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.idleTimer);
      clearInterval(this.watchTimer);
      this.server?.close();
      const deadline = Date.now() + 30_000;
      while (this.connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      try {
        await this.pglite.close();
        restrictRelcacheFiles(this.dataDir);
        // Only after a clean close (PGlite checkpoints as it shuts down): the files' final sizes.
        writeFileManifest(this.dataDir);
      } finally {
        rmSync(join(this.socketDir, SOCKET_NAME), { force: true });
        if (this.socketDir !== this.dataDir) rmSync(this.socketDir, { recursive: true, force: true });
        removeServiceInfo(this.dataDir, process.pid);
        this.release();
        this.resolveDone();
      }
    })();
    return this.stopping;
  }
}

/**
 * PGlite's WebAssembly (9 MB), read and compiled off the main thread while the service checks the
 * folder, loads PGlite's modules and restores the image, instead of by PGlite.create after all
 * that; undefined (PGlite then loads it itself, as before) if it cannot be found or compiled.
 */
function compilePGliteWasm(): Promise<WasmModule | undefined> {
  // (The global, which Node's types declare only as a namespace of types.)
  const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } })
    .WebAssembly;
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    return readFile(join(dirname(entry), 'pglite.wasm'))
      .then((bytes) => wasm.compile(bytes))
      .catch(() => undefined);
  } catch {
    return Promise.resolve(undefined);
  }
}

/**
 * Opens the data folder as `openEmbedded` does in process (same checks, same exit-7 errors),
 * then serves it. Resolves once clients can connect.
 */
export async function startService(options: ServiceOptions, events: ServiceEvents): Promise<EmbeddedService> {
  const dir = options.dataDir;
  const before = inspectDataDir(dir);
  if (before.kind === 'foreign') throw notADatabaseError(dir, before.entries);
  if (before.kind !== 'database' && !options.create) throw noDatabaseError(dir);
  if (before.kind === 'missing') createDataDir(dir);
  else if ((folderMode(dir) & 0o077) !== 0) {
    const mode = folderMode(dir).toString(8).padStart(4, '0');
    restrictTree(dir);
    if (before.kind === 'database')
      events.warn(
        `the embedded database in ${dir} was open to other local users (mode ${mode}): its folder is now 0700 and its files 0600`,
      );
  }
  const lock = await acquireEmbeddedLock(join(dir, 'crm.lock'), 'crm database service', options.lockWaitMs);
  const releaseUmask = holdPrivateUmask();
  const releaseAll = () => {
    releaseUmask();
    lock.release();
  };
  const wasmModule = compilePGliteWasm();
  const state = inspectDataDir(dir);
  let pglite: PGlite | undefined;
  const creating = state.kind !== 'database';
  try {
    if (state.kind === 'foreign') throw notADatabaseError(dir, state.entries);
    if (!creating) checkFileManifest(dir);
    const { openPGlite } = await import('./embedded-pglite.js');
    // A new database starts as the package's migrated image when there is one (embedded-image.ts).
    if (creating) (await import('./embedded-image.js')).restoreImage(dir);
    let service: EmbeddedService | undefined;
    pglite = await openPGlite(join(dir, 'pgdata'), {
      sharedBuffers: options.sharedBuffers,
      wasmModule: await wasmModule,
      onAbort: (what) => service?.fail(new Error(`the embedded database stopped: ${what}`)),
    });
    if (creating) {
      restrictTree(dir);
      events.notice(`created a new embedded database in ${dir}`);
    } else restrictRelcacheFiles(dir);
    service = new EmbeddedService(dir, pglite, options.idleMs);
    service.holdLock(releaseAll);
    await service.listen();
    return service;
  } catch (error) {
    if (pglite && !pglite.closed) await pglite.close().catch(() => {});
    if (creating && state.kind !== 'foreign') rmSync(join(dir, 'pgdata'), { recursive: true, force: true });
    releaseAll();
    throw (
      embeddedFailure(error, dir) ??
      (error instanceof UnavailableError
        ? error
        : new UnavailableError(
            'embedded_database_unavailable',
            `cannot open the embedded database in ${dir}: ${(error as Error).message}`,
            { cause: error },
          ))
    );
  }
}
