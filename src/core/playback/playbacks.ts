import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../../config/media-config.js';
import { SoundIndex } from '../../media/sounds/sound-index.js';
import type { Bridge } from '../bridge/bridge.js';
import type { Channel } from '../channel/channel.js';
import type { Core } from '../core.js';
import type { StasisControl } from '../stasis/stasis-control.js';
import { Playback } from './playback.js';

/** skipms 0 (or absent: ARI's generated code leaves it 0) means this default. */
export const DEFAULT_SKIP_MS = 3000;

/** What ARI asks to play on a channel (already checked: no negative skip or offset). */
export interface ChannelPlayRequest {
  /** The media URIs; an empty one refuses the whole request. */
  readonly media: readonly string[];
  readonly language: string;
  readonly offsetMs: number;
  readonly skipMs: number;
  /** The playback's id; a UUID when absent or empty. */
  readonly id?: string | undefined;
}

/** Where the media files are, as the configuration says (asterisk.conf `[directories]`). */
export interface MediaDirectories {
  readonly soundsDir: string;
}

/**
 * Playbacks (res_stasis_playback): every playback by id, each on its channel's Stasis command queue. The media
 * itself plays in the media plane (src/plane/playback). Also the index of the sound files for ARI's /sounds.
 *
 * Ids are not checked for uniqueness, as in Asterisk: a second playback with a taken id is created and queued,
 * and a lookup finds the older one while it exists.
 */
export class Playbacks {
  readonly #byId = new Map<string, Playback[]>();
  #sounds: SoundIndex;

  constructor(readonly core: Core) {
    this.#sounds = new SoundIndex(join(DEFAULT_DATA_DIR, 'sounds'));
  }

  /** Point /sounds at the configured sounds folder. */
  configure(dirs: MediaDirectories): void {
    if (dirs.soundsDir !== this.#sounds.soundsDir) this.#sounds = new SoundIndex(dirs.soundsDir);
  }

  /** The sound files (ARI /sounds). */
  get sounds(): SoundIndex {
    return this.#sounds;
  }

  get(id: string): Playback | undefined {
    return this.#byId.get(id)?.[0];
  }

  /**
   * stasis_app_control_play_uri: a queued playback on the channel's command queue, or undefined when the list is
   * empty or holds an empty URI (ARI answers 500 "Failed to queue media for playback").
   */
  playOnChannel(channel: Channel, control: StasisControl, request: ChannelPlayRequest): Playback | undefined {
    if (request.media.length === 0 || request.media.some((uri) => uri === '')) return undefined;
    const playback = new Playback(
      channel,
      {
        id: request.id === undefined || request.id === '' ? randomUUID() : request.id,
        targetUri: `channel:${channel.id}`,
        media: request.media,
        language: request.language,
        offsetMs: request.offsetMs,
        skipMs: request.skipMs === 0 ? DEFAULT_SKIP_MS : request.skipMs,
      },
      this.core.bus,
    );
    this.#add(playback);
    // Removed from the registry once its command is over, however it ended (remove_from_playbacks).
    const remove = (): void => this.#remove(playback);
    void control.run(() => playback.run()).then(remove, remove);
    return playback;
  }

  /**
   * A playback to a whole bridge (ari_bridges_play_new): played by the bridge's announcer, queued behind the
   * bridge's other playbacks, its events to the bridge's subscribers with `target_uri` `bridge:<id>`; undefined
   * for an empty list or item (ARI answers 500 Allocation failed).
   */
  playOnBridge(bridge: Bridge, request: ChannelPlayRequest): Playback | undefined {
    if (request.media.length === 0 || request.media.some((uri) => uri === '')) return undefined;
    const announcer = bridge.media.announcer();
    const playback = new Playback(
      announcer,
      {
        id: request.id === undefined || request.id === '' ? randomUUID() : request.id,
        targetUri: `bridge:${bridge.id}`,
        media: request.media,
        language: request.language,
        offsetMs: request.offsetMs,
        skipMs: request.skipMs === 0 ? DEFAULT_SKIP_MS : request.skipMs,
        route: { bridgeIds: [bridge.id] },
      },
      this.core.bus,
    );
    this.#add(playback);
    const remove = (): void => this.#remove(playback);
    void bridge.media.queuePlayback(() => playback.run()).then(remove, remove);
    return playback;
  }

  #add(playback: Playback): void {
    const list = this.#byId.get(playback.id);
    if (list === undefined) this.#byId.set(playback.id, [playback]);
    else list.push(playback);
  }

  #remove(playback: Playback): void {
    const list = this.#byId.get(playback.id);
    if (list === undefined) return;
    const at = list.indexOf(playback);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.#byId.delete(playback.id);
  }
}
