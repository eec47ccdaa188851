/**
 * The snoop feature of a media engine: the snoop channels' edges (snoop-edge.ts), ticked by the media clock
 * while any of them spies, taken off their target when either side closes. A target that closes ends its snoops
 * (`snoop-ended`): Asterisk's snoop channel hangs up once its audiohooks stop running, which happens when the
 * target is destroyed (`ast_hangup` detaches every audiohook of the channel).
 */
import type { EdgeSpec } from '../../core/media/media-protocol.js';
import type { SnoopEvent } from '../../core/media/snoop-protocol.js';
import type { EngineFeature, MediaEngine } from '../engine.js';
import { NullEdge } from '../edges/local-edge.js';
import type { MediaChannel } from '../media-channel.js';
import type { MediaEdge } from '../pipeline.js';
import type { PlaneSettings } from '../plane-settings.js';
import { SnoopEdge } from './snoop-edge.js';

const ENDED: SnoopEvent = { ev: 'snoop-ended' };

type SnoopSpec = Extract<EdgeSpec, { kind: 'snoop' }>;

class SnoopFeature implements EngineFeature {
  readonly #edges = new Set<SnoopEdge>();
  #unsubscribeClock: (() => void) | undefined;

  constructor(private readonly engine: MediaEngine) {}

  /** The edge of snoop channel `channel`; a target that is not (or no longer) here ends the snoop at once. */
  open(channel: MediaChannel, spec: SnoopSpec): MediaEdge {
    const target = this.engine.channels.get(spec.target);
    if (target === undefined || target.isClosed || target === channel) {
      this.engine.emit(channel.id, ENDED);
      return new NullEdge();
    }
    const edge = new SnoopEdge(channel, target, spec.spy, spec.whisper);
    this.#edges.add(edge);
    this.#updateClock();
    return edge;
  }

  command(): boolean {
    return false;
  }

  closed(channel: MediaChannel): void {
    for (const edge of this.#edges) {
      if (edge.snoop === channel) this.#remove(edge);
      else if (edge.target === channel) {
        this.#remove(edge);
        this.engine.emit(edge.snoop.id, ENDED);
      }
    }
  }

  #remove(edge: SnoopEdge): void {
    edge.detach();
    this.#edges.delete(edge);
    this.#updateClock();
  }

  #updateClock(): void {
    let spying = false;
    for (const edge of this.#edges) if (edge.isSpying) spying = true;
    if (spying) this.#unsubscribeClock ??= this.engine.clock.subscribe(this.#tick);
    else if (this.#unsubscribeClock !== undefined) {
      this.#unsubscribeClock();
      this.#unsubscribeClock = undefined;
    }
  }

  readonly #tick = (): void => {
    for (const edge of this.#edges) edge.tick();
  };
}

const FEATURES = new WeakMap<MediaEngine, SnoopFeature>();

function featureOf(engine: MediaEngine): SnoopFeature {
  let feature = FEATURES.get(engine);
  if (feature === undefined) {
    feature = new SnoopFeature(engine);
    FEATURES.set(engine, feature);
    engine.features.push(feature);
  }
  return feature;
}

/** The snoop feature of a media engine (snoop channels are opened with an EdgeSpec of kind `snoop`). */
export function installSnoop(engine: MediaEngine, _settings: PlaneSettings): void {
  featureOf(engine);
}

/** The edge of a snoop channel opened in `engine` (called by the engine for an EdgeSpec of kind `snoop`). */
export function openSnoopEdge(engine: MediaEngine, channel: MediaChannel, spec: SnoopSpec): MediaEdge {
  return featureOf(engine).open(channel, spec);
}
