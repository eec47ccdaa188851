/**
 * Server mode, the app's socket relayed as bytes. Node cannot hand a TCP socket to a worker, so the main thread
 * keeps it — but it only moves bytes: what the socket reads is posted here as it comes, and this worker runs the
 * WebSocket protocol itself (framing, masking, UTF-8 checks, the message size limit) on a stream fed with those
 * bytes, exactly as in client mode. The main thread then spends one message per TCP read and per write on a media
 * socket instead of parsing and building every WebSocket frame of every call.
 */
import { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** The worker's end of a relayed socket: bytes in from `feed`, bytes out through `out`. */
export class RelayedStream extends Duplex {
  #ended = false;

  constructor(
    /** Bytes for the app (one chunk per write, in a buffer of its own: it is posted to another thread). */
    private readonly out: (bytes: Uint8Array) => void,
    /** This end is finished (the WebSocket closed it): the main thread may close the TCP socket. */
    private readonly onEnd: () => void,
  ) {
    super({ allowHalfOpen: false, decodeStrings: true });
  }

  /** Bytes the main thread read from the app's socket. */
  feed(bytes: Uint8Array): void {
    if (!this.destroyed) this.push(bytes);
  }

  /** The app's socket closed (or failed) in the main thread. */
  peerEnded(): void {
    if (this.destroyed) return;
    this.#ended = true;
    this.push(null);
    this.destroy();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.out(new Uint8Array(chunk)); // a copy of exactly its bytes
    done();
  }

  /** A frame's header and payload arrive together (ws corks them): one message to the main thread. */
  override _writev(chunks: { chunk: Buffer }[], done: (err?: Error | null) => void): void {
    this.out(ownCopy(chunks));
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.#finish();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.#finish();
    done(err);
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.onEnd();
  }
}

/**
 * One buffer holding `chunks`, backed by exactly its bytes: a view into Node's shared pool would be posted with
 * the whole pool.
 */
function ownCopy(chunks: readonly { readonly chunk: Buffer }[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.chunk.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c.chunk, at);
    at += c.chunk.length;
  }
  return out;
}

/** A server-side WebSocket (the app's frames masked, ours not) running on a relayed stream. */
export function relayedWebSocket(stream: RelayedStream, maxPayload: number): WebSocket {
  const ws = new WebSocket(null as unknown as string, undefined, { maxPayload });
  (ws as unknown as { setSocket(s: Duplex, head: Buffer, o: object): void }).setSocket(stream, Buffer.alloc(0), {
    maxPayload,
    skipUTF8Validation: false,
    allowSynchronousEvents: true,
  });
  return ws;
}
