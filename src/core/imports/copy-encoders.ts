/**
 * Encoders of PostgreSQL's COPY formats, written straight into byte buffers: COPY text (tab-separated,
 * `\N` for null, backslash escapes) and binary COPY. The staging tables of the set-based imports
 * are loaded with them (see stage-load.ts).
 */
import { writeUuid7 } from '../db/uuid7.js';

export type StageValue = string | number | boolean | bigint | null;

/** PostgreSQL COPY text format: tab-separated, `\N` for null, backslash escapes. */
export function copyText(rows: StageValue[][]): string {
  if (rows.length === 0) return '\n'; // as it has always been: a line for the absent rows
  const out = new CopyTextBuilder();
  for (const values of rows) {
    for (let i = 0; i < values.length; i++) {
      if (i > 0) out.tab();
      out.value(values[i]);
    }
    out.endRow();
  }
  return out.finish();
}

const BACKSLASH = 0x5c;
const LATIN1_MAX = 0xff;

/** A byte buffer written from `at` on, grown (doubled) as the writes need. */
abstract class ByteBuilder {
  protected bytes: Buffer;
  protected at = 0;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  protected room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }
}

/**
 * Builds COPY text (see copyText) straight into a byte buffer, one value at a time: no array,
 * joined string or regular expression per row or value, which is what made copyText a hot spot
 * of the imports (a million rows make ~18 million values). Characters up to U+00FF are written as
 * Latin-1 bytes, so the text comes out as one Latin-1 decode — the same string the joins built.
 * A value with a wider character (e.g. Yoruba ọ, ẹ) goes in as a string piece of its own.
 *
 * Not re-entrant: build one text at a time per builder (finish() makes it ready for the next).
 */
export class CopyTextBuilder extends ByteBuilder {
  /** Text before `bytes`, when a value had a character beyond Latin-1. */
  private pieces: string[] = [];

  constructor() {
    super(64 * 1024);
  }

  /** Ends a value (the next one follows in the same row). */
  tab(): void {
    this.room(1);
    this.bytes[this.at++] = 0x09;
  }

  endRow(): void {
    this.room(1);
    this.bytes[this.at++] = 0x0a;
  }

  null(): void {
    this.room(2);
    this.bytes[this.at++] = BACKSLASH;
    this.bytes[this.at++] = 0x4e; // N
  }

  value(v: StageValue): void {
    if (v === null) this.null();
    else if (typeof v === 'string') this.text(v);
    else if (typeof v === 'number') this.number(v);
    else this.ascii(String(v)); // boolean (`true`/`false`) or bigint: nothing to escape
  }

  /** As String(v): digits written directly for the common case, a non-negative safe integer. */
  number(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) {
      this.ascii(String(v));
      return;
    }
    this.room(16);
    let digits = 1;
    for (let rest = v; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let o = this.at + digits;
    this.at = o;
    let rest = v;
    do {
      this.bytes[--o] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
  }

  /** Text the caller knows to be ASCII with nothing to escape (numbers, booleans). */
  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.bytes[this.at++] = s.charCodeAt(i);
  }

  /** A string value with backslash, tab, newline and carriage return escaped. */
  text(s: string): void {
    this.room(2 * s.length); // every character escaped, at worst
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > BACKSLASH) {
        if (c > LATIN1_MAX) {
          this.at = at;
          this.wide(s, i);
          return;
        }
        bytes[at++] = c;
      } else if (c === BACKSLASH) {
        bytes[at++] = BACKSLASH;
        bytes[at++] = BACKSLASH;
      } else if (c >= 0x20) {
        bytes[at++] = c;
      } else if (c === 0x09) {
        bytes[at++] = BACKSLASH;
        bytes[at++] = 0x74; // t
      } else if (c === 0x0a) {
        bytes[at++] = BACKSLASH;
        bytes[at++] = 0x6e; // n
      } else if (c === 0x0d) {
        bytes[at++] = BACKSLASH;
        bytes[at++] = 0x72; // r
      } else {
        bytes[at++] = c;
      }
    }
    this.at = at;
  }

  /** The rest of `s` from `from` on, which has a character beyond Latin-1: as a string piece. */
  private wide(s: string, from: number): void {
    this.pieces.push(this.bytes.toString('latin1', 0, this.at));
    this.at = 0;
    const rest = s.slice(from);
    this.pieces.push(
      /[\\\t\n\r]/.test(rest)
        ? rest.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
        : rest,
    );
  }

  /** The text built so far; the builder is then empty, ready for the next text. */
  finish(): string {
    const last = this.bytes.toString('latin1', 0, this.at);
    this.at = 0;
    if (this.pieces.length === 0) return last;
    this.pieces.push(last);
    const text = this.pieces.join('');
    this.pieces = [];
    return text;
  }
}

/** Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for dates. */
const PG_EPOCH_DAYS = 10_957;
const MS_PER_DAY = 86_400_000;
const COPY_BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Builds PostgreSQL's binary COPY format (a header, then per row a field count and each field as
 * its length and bytes, then a trailer) straight into a byte buffer. The server takes it without
 * parsing text, which makes the staging COPY markedly cheaper than COPY text, and the worker
 * writes a 16-byte id instead of 36 hex digits and escapes nothing. The field
 * writers must follow the table's column types exactly (int4, uuid, text, date, boolean).
 *
 * Not re-entrant: build one batch at a time per builder (finish() makes it ready for the next).
 */
export class CopyBinaryBuilder extends ByteBuilder {
  /** uuid text → its 16 bytes (hospital ids: a few, repeated on every row). */
  private readonly uuids = new Map<string, Buffer>();

  constructor() {
    super(256 * 1024);
  }

  /** The header, before the first row (or the trailer of an empty batch). */
  private header(): void {
    if (this.at > 0) return;
    this.room(COPY_BINARY_SIGNATURE.length + 8);
    this.at += COPY_BINARY_SIGNATURE.copy(this.bytes, this.at);
    this.bytes.writeInt32BE(0, this.at); // flags: no OIDs
    this.bytes.writeInt32BE(0, this.at + 4); // no header extension
    this.at += 8;
  }

  /** Starts a row of `fields` values. */
  row(fields: number): void {
    this.header();
    this.room(2);
    this.bytes.writeInt16BE(fields, this.at);
    this.at += 2;
  }

  null(): void {
    this.room(4);
    this.bytes.writeInt32BE(-1, this.at);
    this.at += 4;
  }

  int4(v: number): void {
    this.room(8);
    this.bytes.writeInt32BE(4, this.at);
    this.bytes.writeInt32BE(v, this.at + 4);
    this.at += 8;
  }

  boolean(v: boolean | null | undefined): void {
    if (v === undefined || v === null) {
      this.null();
      return;
    }
    this.room(5);
    this.bytes.writeInt32BE(1, this.at);
    this.bytes[this.at + 4] = v ? 1 : 0;
    this.at += 5;
  }

  /** A calendar date written `YYYY-MM-DD` (already validated), or null. */
  date(v: string | null | undefined): void {
    if (v === undefined || v === null) {
      this.null();
      return;
    }
    const ms = Date.UTC(Number(v.slice(0, 4)), Number(v.slice(5, 7)) - 1, Number(v.slice(8, 10)));
    this.int4(ms / MS_PER_DAY - PG_EPOCH_DAYS);
  }

  /** A UUID given in its text form, or null. */
  uuid(v: string | null | undefined): void {
    if (v === undefined || v === null) {
      this.null();
      return;
    }
    let bytes = this.uuids.get(v);
    if (!bytes) {
      bytes = Buffer.from(v.replaceAll('-', ''), 'hex');
      if (bytes.length !== 16) throw new RangeError(`not a UUID: ${v}`);
      this.uuids.set(v, bytes);
    }
    this.room(20);
    this.bytes.writeInt32BE(16, this.at);
    bytes.copy(this.bytes, this.at + 4);
    this.at += 20;
  }

  /** A new version-7 UUID (see uuid7), as its 16 bytes. */
  uuid7(now = Date.now()): void {
    this.room(20);
    this.bytes.writeInt32BE(16, this.at);
    writeUuid7(this.bytes, this.at + 4, now);
    this.at += 20;
  }

  /** A string as UTF-8, or null. */
  text(v: string | null | undefined): void {
    if (v === undefined || v === null) {
      this.null();
      return;
    }
    this.room(4 + 3 * v.length); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const bytes = this.bytes;
    const start = this.at + 4;
    let at = start;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) {
        at += bytes.write(v.slice(i), at, 'utf8');
        break;
      }
      bytes[at++] = c;
    }
    bytes.writeInt32BE(at - start, this.at);
    this.at = at;
  }

  /** The batch built so far, with its trailer, in a buffer of its own (it can be transferred). */
  finish(): Uint8Array {
    this.header();
    this.room(2);
    this.bytes.writeInt16BE(-1, this.at);
    this.at += 2;
    const batch = new Uint8Array(this.at);
    batch.set(this.bytes.subarray(0, this.at));
    this.at = 0;
    return batch;
  }
}
