/**
 * The core's side of the media plane: what it asks of the workers (the port the plane implements) and the
 * per-channel handle it keeps. Requests are correlated by number; events are routed to the channel's handle;
 * RTP statistics are read from the worker's shared block without a round trip.
 */
import { wireCodecOf } from './websocket-protocol.js';
import { WorkerPlacement, type PlacementPolicy, type WorkerLoad } from './worker-placement.js';
import type { MohClassConfig } from '../../config/media-config.js';
import { AUDIO_CODECS } from '../../media/codecs/audio-codecs.js';
import type { IndicationsData } from '../../media/tones/tone-zones.js';
import {
  readStatsSlot,
  type EdgeSpec,
  type FromPlane,
  type MediaCommand,
  type MediaEvent,
  type MediaReply,
  type MediaRequest,
  type RtpStatField,
  type ToPlane,
} from './media-protocol.js';

/** A request number that asks for no answer. */
export const NO_REPLY = 0;

/**
 * Settings the plane takes again while it runs (res_musiconhold and indications reloads). A channel already
 * playing music or a tone keeps what it started with; the next start uses the new classes and zones.
 */
export interface PlaneUpdate {
  readonly mohClasses?: readonly MohClassConfig[];
  readonly indications?: IndicationsData;
}

/** The media plane as the core sees it (implemented inline or over worker threads, wired in app.ts). */
export interface MediaPlane {
  readonly workerCount: number;
  /** Open a channel's media in a worker: the worker of `near` when given (a Local pair, a snoop, a callee). */
  open(edge: EdgeSpec, near?: MediaLeg): MediaLeg;
  /** Stop the workers. */
  close(): Promise<void>;
  /** Replace worker `index` as if it had crashed (its channels lose their media and are hung up). */
  restartWorker?(index: number): Promise<void>;
  /** Replace music on hold classes and tone zones in every worker (and in workers started later). */
  reconfigure?(update: PlaneUpdate): void;
}

/** How a plane's transport reaches its workers. */
export interface PlaneTransport {
  readonly workerCount: number;
  post(worker: number, message: ToPlane): void;
  /** The shared statistics block of a worker. */
  statsView(worker: number): Float64Array;
  /** How busy worker `worker` said it was at its last sample (undefined: not measured yet). */
  load?(worker: number): WorkerLoad | undefined;
}

/** One channel's media in the plane. */
/** Below this no channel speaks (softmix's minimum rate). */
const NARROWBAND_RATE = 8000;

/** What a closing leg does with the events its edge still sends (MediaLeg.drainOnClose). */
export interface LegDrain {
  readonly ms: number;
  take(event: MediaEvent): boolean;
  expired(): void;
}

export class MediaLeg {
  /** Events of this channel's media (DTMF, playback progress, ...). */
  onEvent: ((event: MediaEvent) => void) | undefined;
  /** Resolves when the edge is open (for RTP, where it is bound). */
  readonly ready: Promise<MediaReply>;
  #statsSlot: number | undefined;
  #closed = false;
  #nativeRate: number = NARROWBAND_RATE;
  #drain: LegDrain | undefined;

  constructor(
    readonly id: number,
    readonly worker: number,
    private readonly client: PlaneClient,
    edge: EdgeSpec,
  ) {
    this.#nativeRate = nativeRateOf(edge);
    // Edges the engine opens at once have nothing to tell; RTP tells where it is bound, and the external media
    // transports whether they could connect (a refused AudioSocket connection fails the channel's request).
    if (edge.kind === 'none' || edge.kind === 'local' || edge.kind === 'snoop') {
      client.post(this, { id, req: NO_REPLY, request: { op: 'open', edge } });
      this.ready = Promise.resolve({ ok: true });
      return;
    }
    this.ready = client.request(this, { op: 'open', edge }).then((reply) => {
      if (reply.ok) this.#statsSlot = reply.statsSlot;
      return reply;
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  send(cmd: MediaCommand): void {
    if (this.#closed) return;
    if (cmd.op === 'rtp-format') this.#nativeRate = AUDIO_CODECS[cmd.codec].rate;
    this.client.post(this, { id: this.id, cmd });
  }

  /**
   * The rate of the audio the device speaks: the negotiated codec's (8000 for G.711, 16000 for L16/16000),
   * 8000 before one is; what a mixing bridge weighs to choose its own rate (softmix's channel native rate).
   */
  get nativeRate(): number {
    return this.#nativeRate;
  }

  request(request: MediaRequest): Promise<MediaReply> {
    if (this.#closed) return Promise.resolve({ ok: false, error: 'closed' });
    return this.client.request(this, request);
  }

  /** The RTPstat fields as the edge last wrote them (every 250 ms); undefined without RTP. */
  rtpStats(): Record<RtpStatField, number> | undefined {
    if (this.#statsSlot === undefined || this.#closed) return undefined;
    return readStatsSlot(this.client.statsView(this.worker), this.#statsSlot);
  }

  /**
   * When the leg closes, keep routing its events to `drain.take` for up to `drain.ms` instead of forgetting it at
   * once: what a closing edge still writes (a relayed WebSocket's last messages and its close frame) comes back
   * after the core has let the channel go. `take` returns true at the last event; `expired` runs if none came.
   */
  drainOnClose(drain: LegDrain): void {
    this.#drain = drain;
  }

  close(): void {
    if (this.#closed) return;
    this.client.post(this, { id: this.id, cmd: { op: 'close' } });
    this.#closed = true;
    const drain = this.#drain;
    this.#drain = undefined;
    if (drain === undefined) return this.client.forget(this);
    const timer = setTimeout(() => {
      this.client.forget(this);
      drain.expired();
    }, drain.ms);
    this.onEvent = (event) => {
      if (!drain.take(event)) return;
      clearTimeout(timer);
      this.client.forget(this);
    };
  }

  /** Its worker died: closed at once, and the channel is told. */
  lost(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onEvent?.({ ev: 'media-lost' });
  }
}

/** Correlates requests and routes events for every leg of a plane; hosts call `receive` with worker messages. */
export class PlaneClient implements MediaPlane {
  readonly #legs = new Map<number, MediaLeg>();
  readonly #pending = new Map<number, { readonly worker: number; readonly resolve: (reply: MediaReply) => void }>();
  #nextId = 1;
  #nextReq = 1;
  readonly #placement: WorkerPlacement;

  constructor(
    private readonly transport: PlaneTransport,
    private readonly stop: () => Promise<void> = async () => {},
    private readonly restart?: (index: number) => Promise<void>,
    private readonly update?: (update: PlaneUpdate) => void,
    placement: PlacementPolicy = 'spread',
  ) {
    this.#placement = new WorkerPlacement(placement, transport.load?.bind(transport));
  }

  /** How new channels are spread over the workers (worker-placement.ts). */
  get placement(): WorkerPlacement {
    return this.#placement;
  }

  reconfigure(update: PlaneUpdate): void {
    this.update?.(update);
  }

  restartWorker(index: number): Promise<void> {
    return this.restart?.(index) ?? Promise.resolve();
  }

  /**
   * Worker `index` died: its requests fail, and every channel whose media lived there hears `media-lost` (the core
   * hangs those channels up); their legs are closed without a word to the worker that is gone.
   */
  workerLost(index: number): void {
    for (const [req, pending] of this.#pending) {
      if (pending.worker !== index) continue;
      this.#pending.delete(req);
      pending.resolve({ ok: false, error: 'media worker lost' });
    }
    for (const leg of [...this.#legs.values()]) {
      if (leg.worker !== index) continue;
      this.#legs.delete(leg.id);
      leg.lost();
    }
    this.#placement.reset(index);
  }

  get workerCount(): number {
    return this.transport.workerCount;
  }

  open(edge: EdgeSpec, near?: MediaLeg): MediaLeg {
    const worker = near?.worker ?? this.#placement.pick(this.transport.workerCount);
    const leg = new MediaLeg(this.#nextId++, worker, this, edge);
    this.#legs.set(leg.id, leg);
    this.#placement.opened(worker);
    return leg;
  }

  post(leg: MediaLeg, message: ToPlane): void {
    this.transport.post(leg.worker, message);
  }

  request(leg: MediaLeg, request: MediaRequest): Promise<MediaReply> {
    const req = this.#nextReq++;
    return new Promise((resolve) => {
      this.#pending.set(req, { worker: leg.worker, resolve });
      this.transport.post(leg.worker, { id: leg.id, req, request });
    });
  }

  statsView(worker: number): Float64Array {
    return this.transport.statsView(worker);
  }

  forget(leg: MediaLeg): void {
    if (this.#legs.delete(leg.id)) this.#placement.closed(leg.worker);
  }

  receive(message: FromPlane): void {
    if ('req' in message) {
      const pending = this.#pending.get(message.req);
      this.#pending.delete(message.req);
      pending?.resolve(message.reply);
      return;
    }
    this.#legs.get(message.id)?.onEvent?.(message.event);
  }

  close(): Promise<void> {
    for (const pending of this.#pending.values()) pending.resolve({ ok: false, error: 'closed' });
    this.#pending.clear();
    return this.stop();
  }
}

/** The rate of the device behind an edge whose format is fixed when it opens (external media); else 8 kHz. */
function nativeRateOf(edge: EdgeSpec): number {
  switch (edge.kind) {
    case 'audiosocket':
      return AUDIO_CODECS[edge.format].rate;
    case 'websocket':
      // What the socket carries: Twilio mode is µ-law 8 kHz whatever the channel's format.
      return AUDIO_CODECS[wireCodecOf(edge)].rate;
    default:
      return NARROWBAND_RATE;
  }
}
