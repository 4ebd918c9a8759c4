/**
 * The main thread's side of the patient import's worker thread (patient-import.worker.ts): starts
 * it, takes its batches as they come (a credit back per batch, so that it stays a few batches
 * ahead) and hands them to the import pipeline as a BatchSource.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CrmError } from '../errors.js';
import type { RowRejection } from '../imports/errors-file.js';
import type { BatchSource } from '../imports/import-pipeline.js';
import {
  type ProducedBatch,
  type ProducerEvent,
  type ProducerInput,
  produceBatches,
} from './patient-import.producer.js';

/**
 * An error thrown on the worker thread arrives here as a plain Error that keeps its own
 * properties: an input error (a CrmError, e.g. a quote never closed) is made one again, so that
 * it keeps its code and exit code.
 */
function asCrmError(error: Error): Error {
  const { code, exitCode } = error as Partial<CrmError>;
  return typeof code === 'string' && typeof exitCode === 'number'
    ? new CrmError(code, error.message, exitCode)
    : error;
}

/** The producer of an import's batches, running; `stop` ends it early. */
interface RunningProducer {
  events: AsyncGenerator<ProducerEvent>;
  stop(): Promise<void>;
}

/**
 * Starts `produceBatches` on a worker thread (patient-import.worker.ts) at once. Running from the
 * TypeScript sources (tests), the compiled worker in dist/ is used; without a build, the rows are
 * read in-line instead, when the events are first asked for.
 */
function startProducer(input: ProducerInput, boundHeap: boolean): RunningProducer {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(
    fromSource ? '../../../dist/src/core/patients/patient-import.worker.js' : './patient-import.worker.js',
    import.meta.url,
  );
  if (!existsSync(fileURLToPath(script))) {
    const events = produceBatches(input);
    return {
      events,
      async stop() {
        await events.return(undefined);
      },
    };
  }
  // The worker builds one batch at a time; up to four more wait as COPY data. On PostgreSQL a
  // bounded heap makes V8 collect its garbage early instead of letting it pile up (a much lower
  // peak RSS for a little speed); the bound leaves room for records of tens of megabytes (a 30 MB
  // quoted field imports). On the embedded database PGlite's own memory dwarfs it, and speed
  // counts.
  const worker = new Worker(script, {
    workerData: input,
    resourceLimits: boundHeap
      ? { maxOldGenerationSizeMb: 128 + Math.ceil((input.batchSize * 3) / 256) }
      : undefined,
  });
  const queue: ProducerEvent[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (event: ProducerEvent) => {
    queue.push(event);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = asCrmError(error);
    wake?.();
  });
  void exit.then(() => {
    exited = true;
    wake?.();
  });
  let finished = false;
  async function* events(): AsyncGenerator<ProducerEvent> {
    try {
      for (;;) {
        const event = queue.shift();
        if (event) {
          if (event.type === 'batch') worker.postMessage('credit');
          else finished = true;
          yield event;
          if (finished) return;
          continue;
        }
        if (failure && !exited) {
          // The worker's messages and its error come by different channels; the batches it sent
          // before failing are all in once it has exited, and are taken before the error.
          await exit;
          continue;
        }
        if (failure) throw failure;
        if (exited) throw new Error('the patient import worker stopped before the end of the file');
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      // After its last event the worker closes the errors file and ends by itself; stopped early
      // (an error in the database half), it is stopped.
      if (finished) await exit;
      else await worker.terminate();
    }
  }
  return {
    events: events(),
    async stop() {
      await worker.terminate();
    },
  };
}

/**
 * The file's batches for the import pipeline, read and validated by `produceBatches` on a worker
 * thread (started at once, see startProducer). The worker writes the errors file and closes it
 * before its last event.
 */
export function patientBatchSource(
  input: ProducerInput,
  boundHeap: boolean,
  onRejected?: (rejection: RowRejection) => void,
): BatchSource<ProducedBatch> {
  const producer = startProducer(input, boundHeap);
  let counts = { rowsRead: 0, rejected: 0 };
  let errorsFile: string | null = null;
  async function* events(): AsyncGenerator<ProducerEvent> {
    for await (const event of producer.events) {
      counts = { rowsRead: event.rowsRead, rejected: event.rejected };
      for (const r of event.rejections) onRejected?.(r);
      if (event.type === 'done') errorsFile = event.errorsFile;
      yield event;
    }
  }
  return {
    events: events(),
    counts: () => counts,
    finish: async () => errorsFile,
    stop: () => producer.stop(),
  };
}
