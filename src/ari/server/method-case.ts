/**
 * Methods in lower case. Asterisk's HTTP server (main/http.c) compares the request method without regard to case,
 * so `get /ari/asterisk/ping` is a ping there; Node's parser only knows upper-case methods and refuses it. The
 * first bytes of each new connection are therefore read here, before the parser sees them: a request line that
 * starts with a lower-case method gets its method upper-cased, and the connection then goes to the HTTP server as
 * usual (the parser reads everything after that chunk straight from the socket, at no cost per request).
 *
 * Only the first request of a connection can be mended this way: a later lower-case request on a kept-alive
 * connection is still answered 405 by http-edge.ts.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** The longest method name Asterisk knows (`OPTIONS`); a longer lower-case word is not a method. */
const MAX_METHOD_LETTERS = 7;
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;
const SPACE = 0x20;
const CASE_OFFSET = LOWER_A - 0x41;

/** The number of lower-case letters `chunk` starts with when they are followed by a space; 0 otherwise. */
export function lowerCaseMethodLength(chunk: Uint8Array): number {
  let i = 0;
  while (i < chunk.length && i <= MAX_METHOD_LETTERS && chunk[i]! >= LOWER_A && chunk[i]! <= LOWER_Z) i++;
  return i > 0 && i <= MAX_METHOD_LETTERS && chunk[i] === SPACE ? i : 0;
}

/** `chunk` with its first `letters` bytes upper-cased (a copy: the socket's buffer is not ours to change). */
function upperCased(chunk: Buffer, letters: number): Buffer {
  const out = Buffer.from(chunk);
  for (let i = 0; i < letters; i++) out[i] = out[i]! - CASE_OFFSET;
  return out;
}

/**
 * Puts the first-chunk reader in front of `server`'s own connection handling. Connections that have not sent
 * anything yet are held here: they are closed after `idleMs` (the server's header timeout cannot see them yet) or
 * by `dropWaiting` when the server closes.
 */
export class LowerCaseMethods {
  readonly #waiting = new Set<Socket>();

  constructor(server: Server, idleMs: number) {
    const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
    server.removeAllListeners('connection');
    server.on('connection', (socket: Socket) => {
      this.#waiting.add(socket);
      const onError = (): void => void socket.destroy();
      const onClose = (): void => void this.#waiting.delete(socket);
      socket.on('error', onError);
      socket.once('close', onClose);
      const onIdle = (): void => void socket.destroy();
      socket.setTimeout(idleMs, onIdle);
      socket.once('data', (chunk: Buffer) => {
        socket.pause();
        // Off with the listener too: the HTTP server's own keep-alive timeouts use the same 'timeout' event.
        socket.setTimeout(0);
        socket.off('timeout', onIdle);
        socket.off('error', onError);
        socket.off('close', onClose);
        this.#waiting.delete(socket);
        const letters = lowerCaseMethodLength(chunk);
        socket.unshift(letters === 0 ? chunk : upperCased(chunk, letters));
        for (const handler of handlers) handler.call(server, socket);
        socket.resume();
      });
    });
  }

  /** Closes every connection that has not sent its first bytes (the server is closing). */
  dropWaiting(): void {
    for (const socket of this.#waiting) socket.destroy();
    this.#waiting.clear();
  }
}
