/**
 * npm run bench:startup — `crm --help` against `node -e 0`, median of 15 runs each, same run.
 * Target (issue 2): crm --help ≤ 3× node -e 0 (it must not load MikroORM, twilio or SendGrid).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'crm.js');
function median(argv: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, argv, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[7];
}
const node = median(['-e', '0']);
const help = median([bin, '--help']);
console.log(`node -e 0:  ${node.toFixed(0)} ms`);
console.log(`crm --help: ${help.toFixed(0)} ms`);
console.log(`ratio: ${(help / node).toFixed(2)} (target ≤ 3)`);
