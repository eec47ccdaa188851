/**
 * The socket a WebSocket edge talks through. In client mode it is the worker's own connection to the app; in
 * server mode the app's socket lives in the main thread (Node cannot hand a socket to a worker), so what the edge
 * sends is relayed there as `websocket-tx` events, batched with the plane's other messages.
 */
import type { WebSocketEvent } from '../../core/media/websocket-protocol.js';
import type { ClientWebSocket } from '../../net/websocket-client.js';
import { WriteStall } from '../../net/write-stall.js';

export interface MediaSocketPort {
  /** A buffer for one outgoing frame of `bytes` bytes (kept by the socket until sent). */
  allocate(bytes: number): Uint8Array;
  /** BINARY for bytes, TEXT for a string. */
  send(data: Uint8Array | string): void;
  /** Close with `code` (nothing to do for a relayed socket: the main thread closes it). */
  close(code: number): void;
}

/** Server mode: messages go to the main thread's socket. */
export class RelayedSocket implements MediaSocketPort {
  constructor(private readonly emit: (event: WebSocketEvent) => void) {}

  /**
   * A buffer of its own: a message to another thread is cloned with the whole memory under its bytes, so a view
   * into Node's shared 8 KB pool would copy all of it.
   */
  allocate(bytes: number): Uint8Array {
    return new Uint8Array(bytes);
  }

  send(data: Uint8Array | string): void {
    const exact = typeof data === 'string' || data.byteLength === data.buffer.byteLength ? data : data.slice();
    this.emit({ ev: 'websocket-tx', data: exact });
  }

  close(): void {}
}

/** What a client socket reports to its edge. */
export interface ClientSocketUser {
  message(data: Uint8Array | string): void;
  /** The app closed (`remote`), or a read or write failed (`error`). */
  ended(how: 'remote' | 'error'): void;
}

/** WebSocket status codes chan_websocket closes with. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_INTERNAL_ERROR = 1011;

/** Client mode: the worker's connection to the app (res_websocket_client), with the write timeout. */
export class ClientSocket implements MediaSocketPort {
  readonly #stall: WriteStall;
  #closed = false;

  constructor(
    private readonly socket: ClientWebSocket,
    writeTimeoutMs: number,
    private readonly user: ClientSocketUser,
  ) {
    this.#stall = new WriteStall(writeTimeoutMs);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!this.#closed) user.message(isBinary ? data : data.toString('utf8'));
    });
    socket.on('close', () => this.#end('remote'));
    // A read failure (an oversized message: `ws` closes with 1009) ends the call like a read error in Asterisk.
    socket.on('error', () => this.#end('error'));
  }

  allocate(bytes: number): Uint8Array {
    return Buffer.allocUnsafe(bytes);
  }

  send(data: Uint8Array | string): void {
    if (this.#closed) return;
    this.socket.send(data, { binary: typeof data !== 'string' });
    if (this.#stall.check(this.socket.bufferedAmount, performance.now())) {
      this.socket.close(CLOSE_INTERNAL_ERROR);
      this.#end('error');
    }
  }

  close(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.close(code);
  }

  #end(how: 'remote' | 'error'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.user.ended(how);
  }
}
