// A process that competes for the embedded database's lock (tests/integration/embedded-lock.test.ts).
// It prints "ready", then answers each line on stdin: "go" tries to take the lock at argv[2],
// waiting up to argv[3] ms, and prints "won" or "lost CODE"; "release" releases a won lock and
// prints "released". Runs the compiled module (`npm test` builds first).
import { createInterface } from 'node:readline';
import { acquireEmbeddedLock } from '../../dist/src/core/db/embedded-lock.js';

const [path, waitMs] = process.argv.slice(2);
let lock;
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line === 'go') {
    try {
      lock = await acquireEmbeddedLock(path, 'contender', Number(waitMs));
      process.stdout.write('won\n');
    } catch (error) {
      process.stdout.write(`lost ${error.code}\n`);
    }
  } else if (line === 'release') {
    lock?.release();
    lock = undefined;
    process.stdout.write('released\n');
  }
});
process.stdout.write('ready\n');
