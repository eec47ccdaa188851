/**
 * The media engine of one worker (or of the main thread when the plane runs inline): the channels' pipelines,
 * their edges, and the one media clock that paces every generated frame. It only talks in ToPlane/FromPlane
 * messages, so the core never holds one of its objects.
 */
import type { ClockedSource, SourceSlot } from './pipeline.js';
import type {
  EdgeSpec,
  FromPlane,
  MediaCommand,
  MediaEvent,
  MediaReply,
  MediaRequest,
  ToPlane,
} from '../core/media/media-protocol.js';
import { NO_REPLY } from '../core/media/media-plane.js';
import { MediaClock } from '../media/media-clock.js';
import { RtpPortPool } from '../rtp/session/port-pool.js';
import { RtpSession } from '../rtp/session/rtp-session.js';
import { LocalEdge, NullEdge } from './edges/local-edge.js';
import { RtpEdge } from './edges/rtp-edge.js';
import { openSnoopEdge } from './snoop/index.js';
import { MediaChannel, type MediaChannelHost } from './media-channel.js';
import { STATS_REFRESH_MS, StatsBlock } from './stats-block.js';
import type { RemoteLinks } from './remote-links.js';

/** Slots of the 20 ms period the engine's clocked work is spread over (2 ms apart): measured best at 1 000 playbacks. */
const CLOCK_PHASES = 10;

export interface EngineOptions {
  /** This worker's index and the number of workers: RTP ports are shared out among them. */
  readonly workerIndex: number;
  readonly workerCount: number;
  readonly stats: StatsBlock;
  /** Links to channels in other workers (absent when there is one engine). */
  readonly remote?: RemoteLinks;
}

/** A feature of the engine that handles some commands (playback, recording, ...). */
export interface EngineFeature {
  /**
   * Open the edge of a kind this feature provides (an external media transport): give `channel` its edge and
   * answer the open request; undefined when the kind is not this feature's.
   */
  openEdge?(channel: MediaChannel, spec: EdgeSpec): Promise<MediaReply> | MediaReply | undefined;
  /** Handle `cmd` for `channel`; false when it is not this feature's. */
  command(channel: MediaChannel, cmd: MediaCommand): boolean;
  sourceEnded?(channel: MediaChannel, slot: SourceSlot, source: ClockedSource): void;
  closed?(channel: MediaChannel): void;
  /** The plane's settings were replaced in place (a module reload): drop what was built from the old ones. */
  reconfigured?(): void;
}

export class MediaEngine implements MediaChannelHost {
  readonly channels = new Map<number, MediaChannel>();
  // Sources and mixers spread over the slots of the 20 ms period (see MediaClock: phases).
  readonly clock = new MediaClock({ phases: CLOCK_PHASES });
  readonly features: EngineFeature[] = [];
  /** Channels a clocked source writes to, each its own listener so the clock can spread them. */
  readonly #clocked = new Map<MediaChannel, () => void>();
  readonly #rtpEdges = new Set<RtpEdge>();
  readonly #pools = new Map<string, RtpPortPool>();
  readonly #statsTimer: NodeJS.Timeout;

  constructor(
    private readonly send: (message: FromPlane) => void,
    private readonly opts: EngineOptions,
  ) {
    this.#statsTimer = setInterval(() => {
      for (const edge of this.#rtpEdges) edge.flushStats();
    }, STATS_REFRESH_MS);
    this.#statsTimer.unref();
  }

  emit(id: number, event: MediaEvent): void {
    this.send({ id, event });
  }

  handle(message: ToPlane): void {
    if ('req' in message) {
      const { id, req } = message;
      void this.#request(id, message.request).then(
        (reply) => req !== NO_REPLY && this.send({ id, req, reply }),
        (err: unknown) => req !== NO_REPLY && this.send({ id, req, reply: { ok: false, error: String(err) } }),
      );
      return;
    }
    const channel = this.channels.get(message.id);
    if (channel !== undefined) this.#command(channel, message.cmd);
  }

  async #request(id: number, request: MediaRequest): Promise<MediaReply> {
    switch (request.op) {
      case 'open':
        return this.#open(id, request.edge);
      case 'wait-audio': {
        const channel = this.channels.get(id);
        if (channel === undefined || channel.isClosed) return { ok: false, error: 'closed' };
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, request.timeoutMs);
          channel.audioWaiters.push(done);
          function done(): void {
            clearTimeout(timer);
            resolve();
          }
        });
        return { ok: true };
      }
    }
  }

  async #open(id: number, spec: EdgeSpec): Promise<MediaReply> {
    const channel = new MediaChannel(id, this);
    this.channels.set(id, channel);
    switch (spec.kind) {
      case 'none':
        channel.edge = new NullEdge();
        return { ok: true };
      case 'local':
        channel.edge = new LocalEdge((peer) => this.channels.get(peer));
        return { ok: true };
      case 'snoop':
        channel.edge = openSnoopEdge(this, channel, spec);
        return { ok: true };
      case 'rtp': {
        const session = await RtpSession.open({
          host: spec.host,
          pool: this.#pool(spec.host, spec.portStart, spec.portEnd),
          symmetric: spec.symmetric,
          config: {
            rtpStart: spec.portStart,
            rtpEnd: spec.portEnd,
            rtcpInterval: spec.rtcpIntervalMs,
            strictRtp: spec.strictRtp,
            probation: spec.probation,
            dtmfTimeout: spec.dtmfTimeoutMs,
          },
        });
        if ('error' in session) {
          this.channels.delete(id);
          return { ok: false, error: session.message };
        }
        if (channel.isClosed) {
          void session.close();
          return { ok: false, error: 'closed' };
        }
        const slot = this.opts.stats.acquire();
        const edge = new RtpEdge(session, channel, (e) => this.emit(id, e), this.opts.stats, slot);
        channel.edge = edge;
        this.#rtpEdges.add(edge);
        return {
          ok: true,
          host: session.localHost,
          port: session.localPort,
          ...(slot !== undefined && { statsSlot: slot }),
        };
      }
      default:
        return this.#openFeatureEdge(id, channel, spec);
    }
  }

  async #openFeatureEdge(id: number, channel: MediaChannel, spec: EdgeSpec): Promise<MediaReply> {
    for (const feature of this.features) {
      const opening = feature.openEdge?.(channel, spec);
      if (opening === undefined) continue;
      const reply = await opening;
      if (!reply.ok) this.channels.delete(id);
      return reply;
    }
    this.channels.delete(id);
    return { ok: false, error: `no edge of kind ${spec.kind}` };
  }

  /** One pool per address and range, holding this worker's share of the even ports. */
  #pool(host: string, start: number, end: number): RtpPortPool {
    const key = `${host}|${start}|${end}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new RtpPortPool(start, end, { index: this.opts.workerIndex, count: this.opts.workerCount });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  #command(channel: MediaChannel, cmd: MediaCommand): void {
    switch (cmd.op) {
      case 'close':
        this.#close(channel);
        return;
      case 'local-peer':
        if (channel.edge instanceof LocalEdge) channel.edge.peerId = cmd.peer;
        return;
      case 'rtp-remote':
        if (channel.edge instanceof RtpEdge) channel.edge.session.setRemote(cmd.host, cmd.port, cmd.rtcpPort);
        return;
      case 'rtp-format':
        if (channel.edge instanceof RtpEdge) {
          channel.edge.setFormat(cmd.payloadType, cmd.codec, cmd.payloadTypes, cmd.telephoneEventPt, cmd.inband);
        }
        return;
      case 'dtmf-begin':
        channel.edge?.dtmfBegin?.(cmd.digit);
        return;
      case 'dtmf-end':
        channel.edge?.dtmfEnd?.(cmd.digit, cmd.durationMs);
        return;
      case 'mute':
        channel.mutedIn = cmd.in;
        channel.mutedOut = cmd.out;
        return;
      case 'link':
        channel.link = this.#linkTarget(cmd.to, cmd.worker);
        return;
      default:
        // Playback, recording, music on hold, snoop, talk detection: the features' own commands.
        for (const feature of this.features) if (feature.command(channel, cmd)) return;
    }
  }

  #linkTarget(to: number | undefined, worker: number | undefined) {
    if (to === undefined) return undefined;
    if (worker === undefined || worker === this.opts.workerIndex || this.opts.remote === undefined) {
      return this.channels.get(to);
    }
    return this.opts.remote.target(worker, to);
  }

  #close(channel: MediaChannel): void {
    for (const feature of this.features) feature.closed?.(channel);
    if (channel.edge instanceof RtpEdge) this.#rtpEdges.delete(channel.edge);
    channel.close();
    this.channels.delete(channel.id);
    // Links that pointed at the closed channel now point nowhere.
    for (const other of this.channels.values()) if (other.link === channel) other.link = undefined;
  }

  // MediaChannelHost

  setClocked(channel: MediaChannel, clocked: boolean): void {
    const unsubscribe = this.#clocked.get(channel);
    if (clocked && unsubscribe === undefined)
      this.#clocked.set(
        channel,
        this.clock.subscribe(() => channel.tick()),
      );
    else if (!clocked && unsubscribe !== undefined) {
      unsubscribe();
      this.#clocked.delete(channel);
    }
  }

  sourceEnded(channel: MediaChannel, slot: SourceSlot, source: ClockedSource): void {
    for (const feature of this.features) feature.sourceEnded?.(channel, slot, source);
  }

  /** Settings were replaced (PlaneUpdate applied to the settings object the features hold). */
  reconfigured(): void {
    for (const feature of this.features) feature.reconfigured?.();
  }

  /** Close everything (worker shutdown). */
  shutdown(): void {
    clearInterval(this.#statsTimer);
    for (const channel of [...this.channels.values()]) this.#close(channel);
  }
}
