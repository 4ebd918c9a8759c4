/**
 * Runs `produceBatches` on a worker thread for `crm patient import`: parsing and validating the
 * next batches use the second core instead of taking turns with the database (which, embedded,
 * is PGlite on the main thread). It stays at most four batches ahead of the database (a credit
 * per batch the main thread takes), so memory stays flat: a waiting batch is its binary COPY
 * data, ~1.5 MB per 10,000 rows, handed over without a copy. Four rather than two absorb the
 * worker's garbage-collection pauses, during which the database would otherwise wait.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ProducerInput, produceBatches } from './patient-import.producer.js';

const AHEAD = 4;
let credits = AHEAD;
let wake: (() => void) | undefined;
parentPort!.on('message', (message) => {
  if (message === 'credit') {
    credits++;
    wake?.();
  }
});

// An error thrown here (an input error too: a quote never closed) ends the thread; startProducer
// receives it, its own properties kept (code, exit code).
for await (const event of produceBatches(workerData as ProducerInput)) {
  while (event.type === 'batch' && credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  if (event.type === 'batch') credits--;
  const data = event.type === 'batch' && !Array.isArray(event.stage) ? event.stage.binary : undefined;
  parentPort!.postMessage(event, data ? [data.buffer as ArrayBuffer] : []);
}
parentPort!.close();
