/**
 * The embedded database's service process (embedded-service.ts), started detached by the first
 * command that needs it (embedded-service-client.ts). Its options come as one JSON argument; it
 * tells its starter over the IPC channel when clients can connect, or the error that stopped it
 * (an exit-7 error of the data folder, as the command would have reported it), then lives on
 * its own until idle, `crm db stop` (SIGTERM) or its folder goes away.
 */
import { CrmError } from '../errors.js';
import { type ServiceOptions, startService } from './embedded-service.js';

export type StarterMessage =
  | { kind: 'ready'; pid: number }
  | { kind: 'notice' | 'warn'; text: string }
  | { kind: 'error'; code: string; exitCode: number; message: string };

const send = (message: StarterMessage) => process.send?.(message);

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServiceOptions;
  // Until the service listens, a timer that never fires keeps the event loop alive: Node blocks
  // its main thread until all of V8's background tasks are done whenever the loop runs out of
  // handles while a promise is pending (module loading, WebAssembly compiling; embedded-pglite.ts).
  const keepLoopAlive = setInterval(() => {}, 2 ** 30);
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(options, {
      notice: (text) => send({ kind: 'notice', text }),
      warn: (text) => send({ kind: 'warn', text }),
    });
  } catch (error) {
    const crm = error instanceof CrmError ? error : undefined;
    send({
      kind: 'error',
      code: crm?.code ?? 'embedded_database_unavailable',
      exitCode: crm?.exitCode ?? 7,
      message: (error as Error).message ?? String(error),
    });
    process.disconnect?.();
    process.exitCode = 1;
    return;
  } finally {
    clearInterval(keepLoopAlive);
  }
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => void service.stop().then(() => process.exit(0)));
  }
  send({ kind: 'ready', pid: process.pid });
  process.disconnect?.();
  await service.done;
  process.exit(0);
}

void main();
