/**
 * The main thread's side of one WebSocket channel's connection to its app: when the socket is up (client mode:
 * the worker connected; server mode: the app's socket reached the HTTP server) MEDIA_START goes out with the
 * channel variables of that moment, then the call is answered unless `n` was given — chan_websocket's
 * websocket_handoff_to_channel. The app's ANSWER and HANGUP, the socket closing and a failed connection come back
 * here as media events and become the channel's answer and hangup. In server mode this is also the relay between
 * the app's socket and the edge in the worker.
 *
 * With `m` (not in Asterisk) MEDIA_START also names the Stasis application and its args — those of the application
 * the channel is in, else of the one it will enter once answered (externalMedia tells the technology, which tells
 * this: `expectStasis`) — and the variables the request chose, read as the dialplan reads them.
 */
import { Cause } from '../../core/causes.js';
import type { Channel } from '../../core/channel/channel.js';
import type { MediaLeg } from '../../core/media/media-plane.js';
import type { MediaEvent } from '../../core/media/media-protocol.js';
import type { MediaStartExtras, MediaSocketHandler, MediaSocketPeer } from '../../core/media/websocket-protocol.js';
import { controlOf } from '../../core/stasis/stasis.js';

/** AST_CAUSE_NO_ROUTE_DESTINATION: a client connection that could not be made (webchan_call). */
const CAUSE_NO_ROUTE_DESTINATION = 3;
/** How long a relayed socket's last bytes may take to come back from the worker before the socket is closed anyway. */
const FINISH_DRAIN_MS = 1000;
/** WebSocket close code for a channel that ends without its own reason (webchan_hangup's default). */
const CLOSE_NORMAL = 1000;

/** How one channel's connection behaves (from its dial string). */
export interface MediaConnectionSettings {
  /** Server mode: the app connects to us (the connection id is a fresh UUID). */
  readonly isServer: boolean;
  readonly noAutoAnswer: boolean;
  /** `a`: the token the app's socket must present (server mode). */
  readonly token?: string;
  /** `l`: the socket takes messages of any size. */
  readonly largeMessages?: boolean;
  /** `m`: the variables MEDIA_START adds, and how one is read (a variable or a dialplan function). */
  readonly mediaStart?: { readonly names: readonly string[]; read(name: string): string };
}

export class WebSocketMediaConnection implements MediaSocketHandler {
  #peer: MediaSocketPeer | undefined;
  #attached = false;
  #closeCode = CLOSE_NORMAL;
  /** The Stasis application the channel will enter once answered, when its requester said so. */
  #expected: { readonly app: string; readonly args: readonly string[] } | undefined;

  constructor(
    readonly channel: Channel,
    readonly leg: MediaLeg,
    readonly settings: MediaConnectionSettings,
  ) {
    channel.onMediaEvent((event) => this.#onEvent(event));
  }

  get isServer(): boolean {
    return this.settings.isServer;
  }

  /** The application and args the channel will run once answered (for MEDIA_START's `m` extras). */
  expectStasis(app: string, args: readonly string[]): void {
    this.#expected = { app, args };
  }

  /** Server mode: whether the app's socket has been attached (a second one is refused with 409). */
  get isAttached(): boolean {
    return this.#attached;
  }

  /** The channel is called: a client connection is made now (chan_websocket connects in `call`). */
  call(): void {
    if (!this.isServer) this.leg.send({ op: 'websocket-connect' });
  }

  /** Server mode: the HTTP server completed the app's handshake. */
  attach(peer: MediaSocketPeer): void {
    this.#peer = peer;
    this.#attached = true;
    // Relayed as bytes: the worker takes over the WebSocket protocol before MEDIA_START goes out.
    if (peer.raw !== undefined) this.leg.send({ op: 'websocket-raw-open' });
    this.#up();
  }

  // MediaSocketHandler (server mode): the app's messages go to the edge in the worker.

  message(data: Uint8Array | string): void {
    if (!this.channel.isDestroyed) this.leg.send({ op: 'websocket-rx', data });
  }

  bytes(data: Uint8Array): void {
    if (!this.channel.isDestroyed) this.leg.send({ op: 'websocket-raw-rx', data });
  }

  closed(how: 'remote' | 'error'): void {
    if (this.#peer?.raw !== undefined && !this.channel.isDestroyed) this.leg.send({ op: 'websocket-raw-end' });
    this.#peer = undefined;
    // chan_websocket: a CLOSE from the app is a normal hangup; a read or write failure is "network out of order".
    this.channel.queueHangup(how === 'remote' ? Cause.NORMAL_CLEARING : Cause.FAILURE);
  }

  /** The channel is gone: the app's socket is closed with the code the end of the call chose. */
  hangup(): void {
    const peer = this.#peer;
    this.#peer = undefined;
    if (peer === undefined) return;
    const raw = peer.raw;
    if (raw === undefined || this.leg.isClosed) return peer.close(this.#closeCode);
    // Relayed as bytes: the worker speaks WebSocket, so it writes the last messages and the close frame; they
    // arrive after the channel is gone, so the leg keeps routing them here while it closes.
    this.leg.send({ op: 'websocket-raw-finish' });
    this.leg.drainOnClose({
      ms: FINISH_DRAIN_MS,
      take: (event) => {
        if (event.ev === 'websocket-raw-tx') raw.write(event.data);
        else if (event.ev === 'websocket-raw-end') raw.end();
        return event.ev === 'websocket-raw-end';
      },
      expired: () => peer.close(this.#closeCode),
    });
  }

  #onEvent(event: MediaEvent): void {
    switch (event.ev) {
      case 'websocket-tx':
        this.#peer?.send(event.data);
        return;
      case 'websocket-raw-tx':
        this.#peer?.raw?.write(event.data);
        return;
      case 'websocket-raw-end':
        this.#peer?.raw?.end();
        return;
      case 'websocket-connected':
        this.#up();
        return;
      case 'websocket-failed':
        this.channel.queueHangup(CAUSE_NO_ROUTE_DESTINATION);
        return;
      case 'websocket-answer':
        this.#answer();
        return;
      case 'websocket-hangup':
        this.#closeCode = event.closeCode;
        this.channel.queueHangup(event.cause);
        return;
      default:
        return;
    }
  }

  /** MEDIA_START with every channel variable, most recently set first (Asterisk adds variables at the head). */
  #up(): void {
    if (this.channel.isDestroyed) return;
    const variables = [...this.channel.vars].reverse();
    const extras = this.#extras();
    this.leg.send({ op: 'websocket-start', variables, ...(extras !== undefined && { extras }) });
    if (!this.settings.noAutoAnswer) this.#answer();
  }

  #extras(): MediaStartExtras | undefined {
    const wanted = this.settings.mediaStart;
    if (wanted === undefined) return undefined;
    const control = controlOf(this.channel);
    return {
      app: control?.app.name ?? this.#expected?.app ?? '',
      appArgs: [...(control?.args ?? this.#expected?.args ?? [])],
      variables: wanted.names.map((name) => [name, wanted.read(name)] as const),
    };
  }

  /**
   * ANSWER queued on the channel: a dial waiting for it sees the answer; a channel nobody dials goes Up as
   * `ast_read` makes it for an ANSWER control frame.
   */
  #answer(): void {
    const channel = this.channel;
    const isUp = (): boolean => channel.isDestroyed || channel.state === 'Up';
    if (isUp()) return;
    channel.receive({ kind: 'control', indication: 'answer' });
    if (!isUp()) channel.setState('Up');
  }
}
