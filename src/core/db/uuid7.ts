import { randomFillSync } from 'node:crypto';

/**
 * Random bytes are drawn from the OS in 16 KiB blocks and used 10 bytes per id: one
 * randomFillSync per ~1600 ids instead of a randomUUID (and its string) per id. A bulk import
 * makes a million of these, so the per-id cost matters. The bytes are as random as randomUUID's
 * (both come from the same CSPRNG); a block is never handed out twice.
 */
const POOL = new Uint8Array(16 * 1024);
const RANDOM_BYTES = 10;
let poolAt = POOL.length;

/** ASCII codes of the two hex digits of each byte value: HEX_CODES[2b], HEX_CODES[2b + 1]. */
const HEX_CODES = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const hex = b.toString(16).padStart(2, '0');
  HEX_CODES[2 * b] = hex.charCodeAt(0);
  HEX_CODES[2 * b + 1] = hex.charCodeAt(1);
}

/**
 * The `xxxxxxxx-xxxx-7` head of the last millisecond seen, as ASCII: ids of one import share it
 * for thousands of ids in a row, so it is worked out once per millisecond, not once per id.
 */
const head = new Uint8Array(15);
let headMs = Number.NaN;

function setHead(now: number): void {
  const ts = now.toString(16).padStart(12, '0');
  const text = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7`;
  for (let i = 0; i < 15; i++) head[i] = text.charCodeAt(i);
  headMs = now;
}

/** The length of a UUID in its usual text form. */
export const UUID_LENGTH = 36;

/**
 * Writes a version-7 UUID as its 36 ASCII characters into `out` at `at` (which must have room)
 * and returns the position after it. For builders of bulk text (COPY): no string per id.
 *
 * Layout (RFC 9562): 48-bit Unix milliseconds, version `7`, 12 random bits, variant `10` and
 * 62 random bits — 74 random bits, as many as randomUUID's v4 tail that uuid7 used to reuse.
 */
export function writeUuid7(out: Uint8Array, at: number, now = Date.now()): number {
  if (now !== headMs) setHead(now);
  if (poolAt + RANDOM_BYTES > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += RANDOM_BYTES;
  out.set(head, at); // xxxxxxxx-xxxx-7
  let o = at + 15;
  out[o++] = HEX_CODES[2 * (POOL[r] & 0x0f) + 1]; // one hex digit: the low nibble
  o = hexByte(out, o, POOL[r + 1]);
  out[o++] = 0x2d; // -
  o = hexByte(out, o, 0x80 | (POOL[r + 2] & 0x3f)); // variant 10xx
  o = hexByte(out, o, POOL[r + 3]);
  out[o++] = 0x2d; // -
  for (let i = 4; i < RANDOM_BYTES; i++) o = hexByte(out, o, POOL[r + i]);
  return o;
}

/**
 * Writes a version-7 UUID as its 16 bytes (the layout above) into `out` at `at`: for binary COPY.
 * Uses the same random pool as writeUuid7.
 */
export function writeUuid7Bytes(out: Buffer, at: number, now = Date.now()): void {
  if (poolAt + RANDOM_BYTES > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += RANDOM_BYTES;
  out.writeUIntBE(now, at, 6);
  out[at + 6] = 0x70 | (POOL[r] & 0x0f); // version 7
  out[at + 7] = POOL[r + 1];
  out[at + 8] = 0x80 | (POOL[r + 2] & 0x3f); // variant 10xx
  out.set(POOL.subarray(r + 3, r + RANDOM_BYTES), at + 9);
}

function hexByte(out: Uint8Array, at: number, byte: number): number {
  out[at] = HEX_CODES[2 * byte];
  out[at + 1] = HEX_CODES[2 * byte + 1];
  return at + 2;
}

const one = Buffer.alloc(UUID_LENGTH);

/**
 * A time-ordered UUID (version 7: 48-bit Unix milliseconds, then random bits). Bulk inserts keyed
 * by these land at the right edge of the primary-key index instead of on random pages, which is
 * what keeps a million-row import from being dominated by index page misses and full-page WAL writes.
 */
export function uuid7(now = Date.now()): string {
  writeUuid7(one, 0, now);
  return one.toString('latin1');
}
