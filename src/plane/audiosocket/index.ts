/**
 * The AudioSocket feature of a media engine: it opens edges of kind `audiosocket` (connecting to the app while
 * the channel is requested, as chan_audiosocket does, so a refused connection fails the open), sends the UUID
 * message when the channel is called, and ticks its edges on the media clock, which paces the app's audio.
 */
import { uuidBytes, type AudioSocketEdgeSpec, type AudioSocketEvent } from '../../core/media/audiosocket-protocol.js';
import type { EdgeSpec, MediaCommand, MediaReply } from '../../core/media/media-protocol.js';
import type { EngineFeature, MediaEngine } from '../engine.js';
import type { MediaChannel } from '../media-channel.js';
import type { PlaneSettings } from '../plane-settings.js';
import { AudioSocketEdge } from './audiosocket-edge.js';
import { connectTcp } from './tcp-connect.js';

class AudioSocketFeature implements EngineFeature {
  readonly #edges = new Map<MediaChannel, AudioSocketEdge>();
  /** Channels called while their connection was still being made: the UUID goes out once it is. */
  readonly #calledEarly = new Set<MediaChannel>();
  #unsubscribeClock: (() => void) | undefined;

  constructor(private readonly engine: MediaEngine) {}

  openEdge(channel: MediaChannel, spec: EdgeSpec): Promise<MediaReply> | undefined {
    return spec.kind === 'audiosocket' ? this.#open(channel, spec) : undefined;
  }

  async #open(channel: MediaChannel, spec: AudioSocketEdgeSpec): Promise<MediaReply> {
    const uuid = uuidBytes(spec.uuid);
    if (uuid === undefined) return this.#failed(channel, `not a UUID: ${spec.uuid}`);
    const connected = await connectTcp(spec.host, spec.port);
    if (!connected.ok) return this.#failed(channel, connected.error);
    if (channel.isClosed) {
      // Hung up while connecting: nobody wants this connection any more.
      connected.socket.destroy();
      return { ok: false, error: 'closed' };
    }
    const rate = spec.format === 'slin16' ? 16000 : 8000;
    const edge = new AudioSocketEdge(connected.socket, channel, rate, uuid, (event) =>
      this.engine.emit(channel.id, event),
    );
    channel.edge = edge;
    this.#edges.set(channel, edge);
    this.#updateClock();
    this.#emit(channel, { ev: 'audiosocket-connected', remote: connected.remote });
    if (this.#calledEarly.delete(channel)) edge.call();
    return { ok: true };
  }

  #failed(channel: MediaChannel, error: string): MediaReply {
    this.#calledEarly.delete(channel);
    this.#emit(channel, { ev: 'audiosocket-ended', reason: 'connect-failed', detail: error });
    return { ok: false, error };
  }

  #emit(channel: MediaChannel, event: AudioSocketEvent): void {
    this.engine.emit(channel.id, event);
  }

  command(channel: MediaChannel, cmd: MediaCommand): boolean {
    if (cmd.op !== 'audiosocket-call') return false;
    const edge = this.#edges.get(channel);
    if (edge !== undefined) edge.call();
    else if (!channel.isClosed) this.#calledEarly.add(channel);
    return true;
  }

  closed(channel: MediaChannel): void {
    this.#calledEarly.delete(channel);
    if (this.#edges.delete(channel)) this.#updateClock();
  }

  /** The media clock runs while any AudioSocket edge is open: it reads their audio and times their digits. */
  #updateClock(): void {
    if (this.#edges.size > 0) this.#unsubscribeClock ??= this.engine.clock.subscribe(this.#tick);
    else if (this.#unsubscribeClock !== undefined) {
      this.#unsubscribeClock();
      this.#unsubscribeClock = undefined;
    }
  }

  readonly #tick = (): void => {
    for (const edge of this.#edges.values()) edge.tick();
  };
}

/** The AudioSocket feature of a media engine (channels opened with an EdgeSpec of kind `audiosocket`). */
export function installAudioSocket(engine: MediaEngine, _settings: PlaneSettings): void {
  engine.features.push(new AudioSocketFeature(engine));
}
