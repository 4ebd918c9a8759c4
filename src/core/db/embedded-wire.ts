/**
 * The few pieces of the PostgreSQL wire protocol (version 3) the embedded database's service
 * speaks itself: splitting a client's byte stream into messages, the start-up handshake it
 * answers in PostgreSQL's place, and finding where a reply leaves the session. Everything else
 * is PostgreSQL's own, inside PGlite (`execProtocolRaw`).
 */

/** The first message of a connection has no type byte: length, then a code. */
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

/** Splits a stream into messages as they complete; `startup` messages have no type byte. */
export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next whole message (type byte included, unless `startup`), or undefined. */
  next(startup: boolean): Buffer | undefined {
    const head = startup ? 0 : 1;
    if (this.buffer.length < head + 4) return undefined;
    const total = head + this.buffer.readInt32BE(head);
    if (total < head + 4) throw new Error('malformed message length');
    if (this.buffer.length < total) return undefined;
    const message = this.buffer.subarray(0, total);
    this.buffer = this.buffer.subarray(total);
    return message;
  }
}

function message(type: string, body: Buffer): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

const cstring = (text: string) => Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);

/** What the service answers a client's StartupMessage with: no password (the socket is 0600). */
export function startupReply(parameters: Record<string, string>, pid: number, secret: number): Buffer {
  const key = Buffer.alloc(8);
  key.writeInt32BE(pid, 0);
  key.writeInt32BE(secret, 4);
  return Buffer.concat([
    message('R', Buffer.from([0, 0, 0, 0])),
    ...Object.entries(parameters).map(([name, value]) =>
      message('S', Buffer.concat([cstring(name), cstring(value)])),
    ),
    message('K', key),
    readyForQuery('I'),
  ]);
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

export function errorResponse(sqlstate: string, text: string): Buffer {
  return message(
    'E',
    Buffer.concat([
      Buffer.from('S'),
      cstring('ERROR'),
      Buffer.from('V'),
      cstring('ERROR'),
      Buffer.from('C'),
      cstring(sqlstate),
      Buffer.from('M'),
      cstring(text),
      Buffer.from([0]),
    ]),
  );
}

export const SYNC = message('S', Buffer.alloc(0));

/** A simple Query message. */
export function queryMessage(sql: string): Buffer {
  return message('Q', cstring(sql));
}

/** The text of a simple Query message. */
export function queryText(msg: Buffer): string {
  return msg.toString('utf8', 5, msg.length - 1);
}

/**
 * The transaction status of the last ReadyForQuery in a reply ('I' idle, 'T' in a transaction,
 * 'E' in a failed one), or undefined when the reply has none (an extended-protocol exchange not
 * yet ended by Sync).
 */
export function lastStatus(reply: Uint8Array): 'I' | 'T' | 'E' | undefined {
  let status: 'I' | 'T' | 'E' | undefined;
  let at = 0;
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  while (at + 5 <= reply.length) {
    const length = view.getInt32(at + 1);
    if (reply[at] === 0x5a /* Z */ && at + 5 < reply.length)
      status = String.fromCharCode(reply[at + 5]!) as 'I' | 'T' | 'E';
    at += 1 + length;
  }
  return status;
}
