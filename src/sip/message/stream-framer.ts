// SIP over TCP/TLS (RFC 3261 §18.3): a byte stream carries messages back to back, each framed by its Content-Length.
// The framer queues chunks, skips CRLF keep-alives between messages (RFC 5626 §3.5.1: "\r\n\r\n" ping,
// "\r\n" pong), finds the empty line that ends the headers, reads Content-Length there and slices the whole message.
// Limits are enforced while bytes arrive, so a peer cannot make it buffer more than maxHeaderBytes + maxBodyBytes.
// After an error the stream cannot be resynchronised: the owner closes the connection.

import { parseContentLength } from './header-values.js';
import { findHeaderEnd } from './parse-message.js';

export type StreamFramerErrorCode = 'HEADER_TOO_LARGE' | 'BODY_TOO_LARGE' | 'BAD_CONTENT_LENGTH';

export interface StreamFramerOptions {
  /** Start line plus headers, in bytes (default 32 KiB). */
  maxHeaderBytes?: number;
  /** Body bytes (default 64 KiB). */
  maxBodyBytes?: number;
}

export interface StreamFramerResult {
  /** Whole messages, in order; each is a view that stays valid (the framer never writes into it). */
  messages: Buffer[];
  /** Set once the stream is unusable; later pushes return it again. */
  error?: { code: StreamFramerErrorCode; reason: string };
}

const CONTENT_LENGTH_LINE = /^(?:content-length|l)[ \t]*:(.*)$/i;

export class SipStreamFramer {
  readonly #maxHeaderBytes: number;
  readonly #maxBodyBytes: number;
  /** Bytes received and not yet returned: a view of the caller's chunk or of #store. */
  #pending: Buffer = Buffer.alloc(0);
  /** Our growable copy buffer; bytes are only ever written past #pending, never over a returned message. */
  #store: Buffer | undefined;
  #isPendingInStore = false;
  /** Where the search for the end of the headers resumes, so a slow peer does not cost a rescan per chunk. */
  #scanFrom = 0;
  /** Whole length of the message at the front, once its headers are complete. */
  #messageLength = -1;
  #error: StreamFramerResult['error'];

  constructor(options: StreamFramerOptions = {}) {
    this.#maxHeaderBytes = options.maxHeaderBytes ?? 32768;
    this.#maxBodyBytes = options.maxBodyBytes ?? 65536;
  }

  /** Bytes held for an incomplete message. */
  get bufferedBytes(): number {
    return this.#pending.length;
  }

  push(chunk: Buffer): StreamFramerResult {
    const messages: Buffer[] = [];
    if (this.#error !== undefined) return { messages, error: this.#error };
    this.#append(chunk);
    for (;;) {
      if (this.#messageLength < 0) {
        this.#skipKeepalives();
        const buf = this.#pending;
        if (buf.length === 0) break;
        const end = findHeaderEnd(buf, Math.max(0, this.#scanFrom), buf.length);
        if (end < 0) {
          if (buf.length > this.#maxHeaderBytes) return this.#fail('HEADER_TOO_LARGE', 'no end of headers in time');
          this.#scanFrom = Math.max(0, buf.length - 3);
          break;
        }
        if (end > this.#maxHeaderBytes + 4) return this.#fail('HEADER_TOO_LARGE', 'header section over the limit');
        const length = this.#contentLength(buf, end);
        if (typeof length === 'string')
          return this.#fail(length === 'BODY_TOO_LARGE' ? length : 'BAD_CONTENT_LENGTH', length);
        this.#messageLength = end + length;
      }
      if (this.#pending.length < this.#messageLength) break;
      messages.push(this.#pending.subarray(0, this.#messageLength));
      this.#pending = this.#pending.subarray(this.#messageLength);
      this.#messageLength = -1;
      this.#scanFrom = 0;
    }
    return { messages };
  }

  /** Copies only when a message straddles chunks; a chunk holding whole messages is sliced in place. */
  #append(chunk: Buffer): void {
    const pending = this.#pending;
    if (pending.length === 0) {
      this.#pending = chunk;
      this.#isPendingInStore = false;
      return;
    }
    const store = this.#store;
    if (this.#isPendingInStore && store !== undefined) {
      const end = pending.byteOffset - store.byteOffset + pending.length;
      if (store.length - end >= chunk.length) {
        chunk.copy(store, end);
        this.#pending = store.subarray(end - pending.length, end + chunk.length);
        return;
      }
    }
    // Grow geometrically: a message trickling in byte by byte costs O(n) copying, not O(n²).
    const grown = Buffer.allocUnsafe(Math.max(4096, 2 * (pending.length + chunk.length)));
    pending.copy(grown, 0);
    chunk.copy(grown, pending.length);
    this.#store = grown;
    this.#isPendingInStore = true;
    this.#pending = grown.subarray(0, pending.length + chunk.length);
  }

  #skipKeepalives(): void {
    let i = 0;
    const buf = this.#pending;
    while (i < buf.length && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
    if (i > 0) {
      this.#pending = buf.subarray(i);
      this.#scanFrom = 0;
    }
  }

  /** The body length from the header section buf[0, end): one Content-Length (or `l`), 0 when absent. */
  #contentLength(buf: Buffer, end: number): number | 'BODY_TOO_LARGE' | 'BAD_CONTENT_LENGTH' {
    const lines = buf.toString('latin1', 0, end).split(/\r?\n/);
    let found: number | undefined;
    for (let n = 1; n < lines.length; n++) {
      const m = CONTENT_LENGTH_LINE.exec(lines[n]!);
      if (m === null) continue;
      let value = m[1]!;
      while (n + 1 < lines.length && /^[ \t]/.test(lines[n + 1]!)) value += ' ' + lines[++n];
      const r = parseContentLength(value);
      if (!r.ok || (found !== undefined && found !== r.value)) return 'BAD_CONTENT_LENGTH';
      found = r.value;
    }
    // RFC 3261 §18.3 makes Content-Length mandatory on streams; a missing one is read as 0, as most stacks do.
    const length = found ?? 0;
    return length > this.#maxBodyBytes ? 'BODY_TOO_LARGE' : length;
  }

  #fail(code: StreamFramerErrorCode, reason: string): StreamFramerResult {
    this.#error = { code, reason };
    this.#pending = Buffer.alloc(0);
    return { messages: [], error: this.#error };
  }
}
