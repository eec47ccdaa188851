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

/** The number of bytes `serializeSipMessage` writes for `msg`. */
export function messageSize(msg: SipMessage): number {
  const bodyLength = msg.body.length;
  let n = Buffer.byteLength(startLine(msg), 'utf8') + 2;
  let hasContentLength = false;
  for (const h of msg.headers) {
    if (h.key === 'content-length') {
      if (hasContentLength) continue; // one Content-Length only, whatever was added in code
      hasContentLength = true;
    }
    const line = headerLine(h, bodyLength);
    n += (typeof line === 'string' ? Buffer.byteLength(line, 'utf8') : line.length) + 2;
  }
  if (!hasContentLength) n += Buffer.byteLength(`Content-Length: ${bodyLength}`) + 2;
  return n + 2 + bodyLength;
}

/**
 * Serializes `msg` into `dst` at `offset` (which must have `messageSize(msg)` bytes free) or into a new buffer.
 * Returns the written bytes as a view of the destination.
 */
export function serializeSipMessage(msg: SipMessage, dst?: Buffer, offset = 0): Buffer {
  const size = messageSize(msg);
  const out = dst ?? Buffer.allocUnsafe(size);
  if (out.length - offset < size) throw new RangeError(`serializeSipMessage: needs ${size} bytes at ${offset}`);
  const bodyLength = msg.body.length;
  let at = offset + out.write(startLine(msg), offset, 'utf8');
  at += out.write(CRLF, at, 'latin1');
  let hasContentLength = false;
  for (const h of msg.headers) {
    if (h.key === 'content-length') {
      if (hasContentLength) continue;
      hasContentLength = true;
    }
    const line = headerLine(h, bodyLength);
    at += typeof line === 'string' ? out.write(line, at, 'utf8') : line.copy(out, at);
    at += out.write(CRLF, at, 'latin1');
  }
  if (!hasContentLength) at += out.write(`Content-Length: ${bodyLength}\r\n`, at, 'latin1');
  at += out.write(CRLF, at, 'latin1');
  at += msg.body.copy(out, at);
  return out.subarray(offset, at);
}
