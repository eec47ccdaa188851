// Writes a SIP message (RFC 3261 §7): start line, headers, empty line, body, every line ending in CRLF.
// Headers that came from the wire are written from their raw bytes (folding and all); Content-Length is always the
// body's real length — the parsed header is kept byte for byte when it already says so, rewritten otherwise, and
// added when missing (stream transports need it, RFC 3261 §18.3). `messageSize` + `serializeSipMessage(msg, dst)`
// come as a pair so a sender can fill a pooled buffer.

import { parseDecimal } from './sip-lexer.js';
import type { SipHeader, SipMessage } from './sip-message.js';

const CRLF = '\r\n';

export function startLine(msg: SipMessage): string {
  return msg.kind === 'request'
    ? `${msg.method} ${msg.uri} ${msg.version}`
    : `${msg.version} ${msg.status} ${msg.reason}`;
}

/** The bytes of one header line (without CRLF): its raw wire form, or `Name: value` for one built in code. */
function headerLine(h: SipHeader, bodyLength: number): Buffer | string {
  if (h.key === 'content-length') {
    const same = parseDecimal(h.value, Number.MAX_SAFE_INTEGER) === bodyLength;
    return same && h.raw !== undefined ? h.raw : `${h.name}: ${bodyLength}`;
  }
  return h.raw ?? `${h.name}: ${h.value}`;
}

function pieceLength(p: Buffer | string): number {
  return typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
}

function forEachPiece(msg: SipMessage, visit: (p: Buffer | string) => void): void {
  const bodyLength = msg.body.length;
  visit(startLine(msg));
  visit(CRLF);
  let hasContentLength = false;
  for (const h of msg.headers) {
    if (h.key === 'content-length') {
      if (hasContentLength) continue; // one Content-Length only, whatever was added in code
      hasContentLength = true;
    }
    visit(headerLine(h, bodyLength));
    visit(CRLF);
  }
  if (!hasContentLength) {
    visit(`Content-Length: ${bodyLength}`);
    visit(CRLF);
  }
  visit(CRLF);
  visit(msg.body);
}

/** The number of bytes `serializeSipMessage` writes for `msg`. */
export function messageSize(msg: SipMessage): number {
  let n = 0;
  forEachPiece(msg, (p) => {
    n += pieceLength(p);
  });
  return n;
}

/**
 * Serializes `msg` into `dst` at `offset` (which must have `messageSize(msg)` bytes free) or into a new buffer.
 * Returns the written bytes as a view of the destination.
 */
export function serializeSipMessage(msg: SipMessage, dst?: Buffer, offset = 0): Buffer {
  const size = messageSize(msg);
  const out = dst ?? Buffer.allocUnsafe(size);
  if (out.length - offset < size) throw new RangeError(`serializeSipMessage: needs ${size} bytes at ${offset}`);
  let at = offset;
  forEachPiece(msg, (p) => {
    at += typeof p === 'string' ? out.write(p, at, 'utf8') : p.copy(out, at);
  });
  return out.subarray(offset, at);
}
