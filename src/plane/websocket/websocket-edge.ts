/**
 * The edge of a WebSocket media channel (chan_websocket): what the channel sends goes to the app as one BINARY
 * message per frame, in the channel's format; what the app sends is queued (media-queue.ts) and read into the
 * pipeline one frame per media clock tick; TEXT messages are commands (websocket-commands.ts) and events.
 *
 * Nothing reaches the app before MEDIA_START: the edge holds its output until the core says the socket is up
 * (`start`, with the channel variables), and holds what the app sends until then too. Asterisk can let a frame
 * out first (#1712); here MEDIA_START is always the first message.
 *
 * Media direction is the app's: `in` (the app only hears) drops what it sends and stops the dequeue clock, so the
 * queue freezes; `out` (it only speaks) sends it nothing.
 *
 * In Twilio mode (`f(twilio)`) the same queue and clock carry Twilio Media Streams' messages instead of
 * chan_websocket's: a TwilioSession (twilio-session.ts) turns the edge's events, frames and the app's TEXT
 * messages into Twilio's, in µ-law at 8 kHz whatever the channel's format.
 */
import type {
  ControlMessageFormat,
  MediaStartExtras,
  WebSocketEdgeSpec,
  WebSocketEvent,
  WebSocketMediaDirection,
} from '../../core/media/websocket-protocol.js';
import { WEBSOCKET_PTIME_MS, optimalFrameSize, wireCodecOf } from '../../core/media/websocket-protocol.js';
import type { MediaChannel } from '../media-channel.js';
import type { MediaEdge } from '../pipeline.js';
import { frameSamples } from '../pipeline.js';
import { formatControl, parseControl, type ControlEvent } from './control-codec.js';
import { MediaQueue, XOFF_LEVEL, XON_LEVEL, type QueueMarker } from './media-queue.js';
import { CLOSE_GOING_AWAY, CLOSE_NORMAL, type MediaSocketPort } from './media-socket.js';
import { TwilioSession } from './twilio-session.js';
import { queueLargeMessage } from './large-messages.js';
import { runCommand, type CommandTarget } from './websocket-commands.js';
import { wireAudio, type WireAudio } from './wire-audio.js';

/** Q.850 causes chan_websocket hangs up with. */
const CAUSE_NORMAL = 16;
const CAUSE_NETWORK_OUT_OF_ORDER = 38;
/** Messages from the app kept while MEDIA_START is on its way (a few ms): beyond this they are dropped. */
const MAX_EARLY_MESSAGES = 1024;
/** Codecs whose RTP payload is the same bytes as on the socket: relayed frames go out unchanged. */
const RELAYABLE = new Set(['ulaw', 'alaw', 'g722']);
/**
 * Codecs whose frames decode alone (no state carried from one to the next): a frame of the app's goes to the linked
 * channel as it is when that channel sends the same codec, and is decoded only when something needs the audio —
 * G.722's decoder would miss the frames that went past it.
 */
const STATELESS = new Set(['ulaw', 'alaw']);
/**
 * Late frames of a live stream (not in Asterisk). chan_websocket plays one queued frame per tick and nothing on a
 * tick that finds the queue empty, so when a frame of the app's steady stream arrives just after its tick it waits
 * for the next one, and every frame after it waits one tick more: each such miss adds 20 ms of delay for the rest
 * of the call (a bot that answers in real time drifts from 20 to 150 ms behind on a loaded server). Here a tick that
 * finds nothing while the app's audio was flowing is owed: the next frame that arrives is played at once, for the
 * tick it missed. After this many empty ticks in a row the app is taken to have stopped talking, nothing is owed
 * any more, and its next audio waits for its tick as usual; so does audio after a FLUSH_MEDIA. Frames only ever go out earlier than chan_websocket
 * would send them, never later, and none is dropped.
 */
const MAX_OWED_TICKS = 3;
/**
 * Standing delay of a live stream (not in Asterisk). Two of the app's frames that arrive between the same two ticks
 * (a burst on the network or in the app) leave one frame waiting for good: the app then sends as fast as the queue
 * plays, so the queue never empties and the call stays 20 ms further behind. When the queue held at least one and at
 * most MAX_STANDING_FRAMES frames on every tick of a whole window, the stream is live and the frames are delay,
 * not audio the app sent ahead on purpose (a prompt sent at once keeps hundreds queued, and the tail of it empties
 * the queue within the window): one extra frame is played, so the delay shrinks by 20 ms a second.
 */
const STANDING_WINDOW_TICKS = 50;
const MAX_STANDING_FRAMES = 5;

export class WebSocketEdge implements MediaEdge, CommandTarget {
  readonly rate: number;
  readonly codec: string | undefined;
  readonly queue: MediaQueue;
  /** 20 ms of the wire codec: the frames an oversized message (`l`) is cut into, passthrough or not. */
  readonly #wireFrameBytes: number;
  readonly passthrough: boolean;
  readonly format: ControlMessageFormat;
  direction: WebSocketMediaDirection;
  #socket: MediaSocketPort | undefined;
  #started = false;
  #early: (Uint8Array | string)[] = [];
  #closed = false;
  /** What the socket is closed with when the channel ends (set by HANGUP and socket failures). */
  #closeCode = CLOSE_NORMAL;
  readonly #tx: WireAudio;
  readonly #rx: WireAudio;
  #frame: Uint8Array;
  /** #frame as a Buffer, for frames relayed without decoding; the codec they are in, when stateless. */
  #frameBuffer: Buffer;
  readonly #relayCodec: string | undefined;
  #pcm: Int16Array;
  /** Twilio mode: the stream that speaks Twilio's messages on the socket. */
  readonly #twilio: TwilioSession | undefined;
  /** Empty ticks since a frame was last played (idle from the start); ticks a late frame may still fill. */
  #emptyTicks = MAX_OWED_TICKS + 1;
  #owedTicks = 0;
  /** Ticks into the current standing-delay window, and the shortest queue seen on them. */
  #windowTicks = 0;
  #windowMin = Number.POSITIVE_INFINITY;
  /** The queue's flushes when it was last looked at: after a FLUSH the app starts over, so nothing is owed. */
  #flushesSeen = 0;

  constructor(
    readonly channel: MediaChannel,
    readonly spec: WebSocketEdgeSpec,
    private readonly emit: (event: WebSocketEvent) => void,
  ) {
    const isTwilio = spec.controlFormat === 'twilio';
    const wireCodec = wireCodecOf(spec);
    this.#tx = wireAudio(wireCodec);
    this.#rx = wireAudio(wireCodec);
    this.rate = this.#tx.rate;
    this.codec = RELAYABLE.has(wireCodec) ? wireCodec : undefined;
    this.#relayCodec = STATELESS.has(wireCodec) ? wireCodec : undefined;
    // Twilio's audio comes in any sizes and is always re-framed.
    this.passthrough = spec.passthrough && !isTwilio;
    this.format = spec.controlFormat;
    this.direction = spec.direction;
    const frameBytes = optimalFrameSize(wireCodec, this.passthrough);
    this.#wireFrameBytes = optimalFrameSize(wireCodec, false);
    this.queue = new MediaQueue(frameBytes, {
      xoff: () => this.sendEvent({ event: 'MEDIA_XOFF' }),
      xon: () => this.sendEvent({ event: 'MEDIA_XON' }),
      drained: () => this.sendEvent({ event: 'QUEUE_DRAINED' }),
      marker: (m: QueueMarker) =>
        this.sendEvent({
          event: m.kind === 'mark' ? 'MEDIA_MARK_PROCESSED' : 'MEDIA_BUFFERING_COMPLETED',
          correlationId: m.id,
        }),
    });
    this.#frame = new Uint8Array(Math.max(frameBytes, this.#tx.bytesFor(frameSamples(this.rate))));
    this.#frameBuffer = Buffer.from(this.#frame.buffer, 0, this.#frame.length);
    this.#pcm = new Int16Array(this.#rx.samplesIn(this.#frame.length));
    this.#twilio = isTwilio ? new TwilioSession(this.queue, spec.channelId, (t) => this.#socket?.send(t)) : undefined;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** `r` (not in Asterisk): FLUSH_MEDIA answers the markers it drops. */
  get reportFlushedMarks(): boolean {
    return this.spec.reportFlushedMarks === true;
  }

  /** Whether the media clock should tick this edge (chan_websocket runs its timer unless the direction is `in`). */
  get isTicking(): boolean {
    return this.#started && !this.#closed && this.direction !== 'in';
  }

  /** The socket the edge talks through (client mode: once connected; server mode: the relay, from the start). */
  attach(socket: MediaSocketPort): void {
    this.#socket = socket;
  }

  /** The socket is up: MEDIA_START first (with the `m` extras when asked for), then whatever the app already sent. */
  start(variables: readonly (readonly [string, string])[], extras?: MediaStartExtras): void {
    if (this.#started || this.#closed || this.#socket === undefined) return;
    const { spec } = this;
    this.#started = true;
    this.sendEvent({
      event: 'MEDIA_START',
      connectionId: spec.connectionId,
      channel: spec.channelName,
      format: spec.codec,
      optimalFrameSize: this.queue.frameBytes,
      ptime: WEBSOCKET_PTIME_MS,
      variables,
      ...(extras !== undefined && { extras }),
    });
    const early = this.#early;
    this.#early = [];
    for (const message of early) this.receive(message);
  }

  /** A message from the app. */
  receive(data: Uint8Array | string): void {
    if (this.#closed) return;
    if (!this.#started) {
      if (this.#early.length < MAX_EARLY_MESSAGES) this.#early.push(data);
      return;
    }
    if (this.#twilio !== undefined) {
      // Twilio's messages are all TEXT; everything from an app that only listens (`in`) is dropped.
      if (typeof data === 'string' && this.direction !== 'in') this.#twilio.receive(data);
      this.#playOwed();
      return;
    }
    if (typeof data !== 'string') {
      // The app's audio is dropped while it only listens (`in`).
      if (this.direction === 'in') return;
      if (this.spec.largeMessages !== true) this.queue.push(data);
      else queueLargeMessage(this.queue, data, this.#wireFrameBytes, this);
      this.#playOwed();
      return;
    }
    const parsed = parseControl(data, Buffer.byteLength(data, 'utf8'), this.format);
    switch (parsed.kind) {
      case 'command':
        runCommand(this, parsed.command);
        return;
      case 'invalid-json':
        this.sendEvent({ event: 'ERROR', text: 'Unable to parse JSON command' });
        return;
      case 'ignored':
        // Asterisk ignores a command over 128 bytes without a word; the app is told here.
        if (parsed.why === 'too-long')
          this.sendEvent({ event: 'ERROR', text: 'Command longer than 128 bytes ignored' });
        return;
    }
  }

  /** One media clock tick: the next queued frame, decoded, is what the channel reads. */
  tick(): void {
    this.#twilio?.beforeTick();
    this.#forgetOwedAfterFlush();
    if (this.#playNext()) {
      this.#emptyTicks = 0;
      this.#owedTicks = 0;
      this.#watchStanding(this.queue.length);
    } else if (this.queue.isPaused) {
      this.#restartWindow();
    } else if (this.queue.nextLength < 0) {
      this.#emptyTicks++;
      this.#owedTicks = this.#emptyTicks <= MAX_OWED_TICKS ? this.#owedTicks + 1 : 0;
      this.#watchStanding(0);
    }
  }

  /** The queue's length after a tick; at the end of a window with a small standing queue, one frame more. */
  #watchStanding(length: number): void {
    if (length < this.#windowMin) this.#windowMin = length;
    if (++this.#windowTicks < STANDING_WINDOW_TICKS) return;
    const standing = this.#windowMin >= 1 && this.#windowMin <= MAX_STANDING_FRAMES;
    this.#restartWindow();
    if (standing) this.#playNext();
  }

  #restartWindow(): void {
    this.#windowTicks = 0;
    this.#windowMin = Number.POSITIVE_INFINITY;
  }

  /** Frames that arrived for ticks which found the queue empty are played now (MAX_OWED_TICKS). */
  #playOwed(): void {
    this.#forgetOwedAfterFlush();
    while (this.#owedTicks > 0 && this.isTicking && this.queue.nextLength >= 0) {
      this.#owedTicks--;
      if (!this.#playNext()) return;
      this.#emptyTicks = 0;
    }
  }

  #forgetOwedAfterFlush(): void {
    if (this.queue.flushes === this.#flushesSeen) return;
    this.#flushesSeen = this.queue.flushes;
    this.#emptyTicks = MAX_OWED_TICKS + 1;
    this.#owedTicks = 0;
    this.#restartWindow();
  }

  /**
   * The next queued frame (and the markers before it) to the channel — as it is to a linked channel that sends the
   * same G.711, else decoded; false when none was played.
   */
  #playNext(): boolean {
    const queue = this.queue;
    const next = queue.nextLength;
    if (next > this.#frame.length) {
      this.#frame = new Uint8Array(next);
      this.#frameBuffer = Buffer.from(this.#frame.buffer, 0, next);
      this.#pcm = new Int16Array(this.#rx.samplesIn(next));
    }
    const bytes = queue.tick(this.#frame);
    if (bytes <= 0 || this.#closed) return false;
    const relay = this.#relayCodec;
    if (relay !== undefined) {
      const whole = this.#frameBuffer;
      if (this.channel.relayEncoded(bytes === whole.length ? whole : whole.subarray(0, bytes), relay, bytes, true))
        return true;
    }
    const samples = this.#rx.decode(this.#frame.subarray(0, bytes), this.#pcm);
    this.channel.read(this.#pcm.subarray(0, samples));
    return true;
  }

  write(samples: Int16Array): void {
    if (!this.#started || this.#closed || this.direction === 'out') return;
    if (this.#twilio !== undefined) return this.#twilio.sendPcm(samples);
    // A fresh buffer per frame: the socket, or the relay batch, keeps it until it is sent.
    const socket = this.#socket!;
    const out = socket.allocate(this.#tx.bytesFor(samples.length));
    const bytes = this.#tx.encode(samples, out);
    socket.send(bytes === out.length ? out : out.subarray(0, bytes));
  }

  /** A payload relayed in our codec from a channel that received it (no decode and encode on the way). */
  sendEncoded(payload: Buffer, lent = false): void {
    if (!this.#started || this.#closed || this.direction === 'out') return;
    if (this.#twilio !== undefined) return this.#twilio.sendUlaw(payload);
    // A datagram's own buffer is sent as it is (never written again). A lent one — another WebSocket channel's
    // playout frame — is copied: the relay to the main thread holds it until the end of the turn, and a late tick
    // can play two frames in one turn.
    this.#socket!.send(lent ? Buffer.from(payload) : payload);
  }

  /** chan_websocket sends DTMF_END for every digit written to the channel (send_digit_end), whatever the direction. */
  dtmfEnd(digit: string): void {
    if (this.#started && !this.#closed) this.sendEvent({ event: 'DTMF_END', digit });
  }

  sendEvent(event: ControlEvent): void {
    if (this.#closed || this.#socket === undefined) return;
    if (this.#twilio !== undefined) return this.#twilio.event(event);
    this.#socket.send(formatControl(event, this.format, this.spec.channelId));
  }

  status(): ControlEvent {
    const q = this.queue;
    return {
      event: 'STATUS',
      queueLength: q.length,
      xonLevel: XON_LEVEL,
      xoffLevel: XOFF_LEVEL,
      queueFull: q.isFull,
      bulkMedia: q.isBuffering,
      mediaPaused: q.isPaused,
    };
  }

  answer(): void {
    this.emit({ ev: 'websocket-answer' });
  }

  /** HANGUP: the call ends with cause normal and the socket is closed with 1000 when it does. */
  hangup(): void {
    this.#requestHangup(CAUSE_NORMAL, CLOSE_NORMAL);
  }

  /** The socket ended under the edge: the app closed it (normal), or it failed (network out of order). */
  socketEnded(how: 'remote' | 'error'): void {
    this.#socket = undefined;
    this.#requestHangup(how === 'remote' ? CAUSE_NORMAL : CAUSE_NETWORK_OUT_OF_ORDER, CLOSE_GOING_AWAY);
  }

  #requestHangup(cause: number, closeCode: number): void {
    if (this.#closed) return;
    this.#closeCode = closeCode;
    this.emit({ ev: 'websocket-hangup', cause, closeCode });
  }

  close(): void {
    if (this.#closed) return;
    // Twilio mode: `stop` is the stream's last message (client mode; a relayed socket is closed by the main thread).
    this.#twilio?.stop();
    this.#closed = true;
    this.#early = [];
    this.#socket?.close(this.#closeCode);
    this.#socket = undefined;
  }
}
