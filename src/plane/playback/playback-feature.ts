/**
 * The playback feature of a media engine: plays one item per channel in the `stream` slot (starting it ends the
 * channel's generator, as ast_openstream does), applies the control operations, and answers every
 * `playback-start` with one `playback-ended`.
 *
 * How each kind ends (the result codes of Asterisk's players, see playback-protocol.ts):
 * - sound / recording: `done` at the end of the file, `stopped` on stop, `failed` when no file can be played,
 *   `missing` for a recording that does not exist;
 * - say (number, digits, characters): the files that exist play back to back, `done` at the end (also when none
 *   exists); a stop ends it `stopped`, and a pause or restart cuts it short (`interrupted`): say items are not
 *   controllable, those reach them only in a list that began with a controllable item;
 * - tone: plays until stopped when it repeats; a stop ends it `done`; `failed` when the tone is neither a known
 *   indication of the zone nor a valid tone list.
 */
import type { MediaCommand } from '../../core/media/media-protocol.js';
import type { PlaybackAction, PlaybackMedia, PlaybackResult } from '../../core/media/playback-protocol.js';
import { isToneListError } from '../../media/tones/tone-list.js';
import { resolveTone } from '../../media/tones/tone-zones.js';
import type { EngineFeature, MediaEngine } from '../engine.js';
import type { MediaChannel } from '../media-channel.js';
import type { ClockedSource, SourceSlot } from '../pipeline.js';
import type { PlaneSettings } from '../plane-settings.js';
import { FileSource } from './file-source.js';
import { MISSING, PlaybackFiles, type Rate } from './playback-files.js';
import { ToneSource } from './tone-source.js';

type StartCommand = Extract<MediaCommand, { op: 'playback-start' }>;

/** main/file.c: a plain waitstream (the say functions') skips 3 s. */
const SAY_SKIP_MS = 3000;

/** The item playing on a channel. */
interface Active {
  readonly pb: number;
  readonly kind: PlaybackMedia['kind'];
  readonly skipMs: number;
  source: FileSource | ToneSource | undefined;
  /** Paused before its audio was loaded: it starts paused. */
  isPaused: boolean;
  isOver: boolean;
}

export class PlaybackFeature implements EngineFeature {
  readonly #active = new Map<MediaChannel, Active>();

  constructor(
    private readonly engine: MediaEngine,
    private readonly settings: PlaneSettings,
    private readonly files: PlaybackFiles,
  ) {}

  command(channel: MediaChannel, cmd: MediaCommand): boolean {
    if (cmd.op === 'playback-start') this.#start(channel, cmd);
    else if (cmd.op === 'playback-control') this.#control(channel, cmd.pb, cmd.action);
    else return false;
    return true;
  }

  sourceEnded(channel: MediaChannel, slot: SourceSlot, source: ClockedSource): void {
    const active = this.#active.get(channel);
    if (slot === 'stream' && active !== undefined && active.source === source) this.#end(channel, active, 'done');
  }

  closed(channel: MediaChannel): void {
    const active = this.#active.get(channel);
    if (active === undefined) return;
    active.isOver = true;
    this.#active.delete(channel);
  }

  #start(channel: MediaChannel, cmd: StartCommand): void {
    const previous = this.#active.get(channel);
    if (previous !== undefined) this.#end(channel, previous, 'stopped');
    const active: Active = {
      pb: cmd.pb,
      kind: cmd.media.kind,
      skipMs: cmd.media.kind === 'say' ? SAY_SKIP_MS : cmd.skipMs,
      source: undefined,
      isPaused: false,
      isOver: false,
    };
    this.#active.set(channel, active);
    const media = cmd.media;
    if (media.kind === 'tone') {
      const indications = this.settings.indications;
      const list = resolveTone(media.tone, [media.zone, indications.country], indications.zones);
      if (isToneListError(list)) this.#end(channel, active, 'failed');
      else this.#play(channel, active, new ToneSource(list, () => this.#end(channel, active, 'stopped')));
      return;
    }
    void this.#load(channel, active, cmd).then(
      (outcome) => {
        if (active.isOver) return;
        if (typeof outcome === 'string') this.#end(channel, active, outcome);
        else this.#play(channel, active, outcome);
      },
      () => this.#end(channel, active, 'failed'),
    );
  }

  /** The item's audio as a source, or how it ends without playing. */
  async #load(channel: MediaChannel, active: Active, cmd: StartCommand): Promise<FileSource | PlaybackResult> {
    const rate = channel.rate as Rate;
    const media = cmd.media;
    let files: Int16Array[];
    let offsetMs = 0;
    switch (media.kind) {
      case 'sound': {
        const samples = await this.files.sound(media.name, cmd.language, rate);
        if (samples === undefined) return 'failed';
        files = [samples];
        offsetMs = cmd.offsetMs;
        break;
      }
      case 'recording': {
        const samples = await this.files.recording(media.name, cmd.language, rate);
        if (samples === MISSING) return 'missing';
        if (samples === undefined) return 'failed';
        files = [samples];
        offsetMs = cmd.offsetMs;
        break;
      }
      case 'say': {
        const found = await Promise.all(media.names.map((name) => this.files.sound(name, cmd.language, rate)));
        files = found.filter((samples): samples is Int16Array => samples !== undefined);
        if (files.length === 0) return 'done';
        break;
      }
      case 'tone':
        return 'failed';
    }
    return new FileSource(files, rate, offsetMs, () => this.#end(channel, active, 'stopped'));
  }

  #play(channel: MediaChannel, active: Active, source: FileSource | ToneSource): void {
    if (channel.isClosed) return;
    active.source = source;
    if (active.isPaused) source.pause();
    channel.setSource('stream', source);
  }

  #control(channel: MediaChannel, pb: number, action: PlaybackAction): void {
    const active = this.#active.get(channel);
    if (active === undefined || active.pb !== pb || active.isOver) return;
    const source = active.source;
    const isSay = active.kind === 'say';
    switch (action) {
      case 'stop':
        this.#end(channel, active, active.kind === 'tone' ? 'done' : 'stopped');
        return;
      case 'pause':
        if (isSay) return this.#end(channel, active, 'interrupted');
        active.isPaused = true;
        source?.pause();
        return;
      case 'unpause':
        active.isPaused = false;
        source?.unpause();
        return;
      case 'restart':
        if (isSay) return this.#end(channel, active, 'interrupted');
        source?.restart();
        return;
      case 'reverse':
        if (source instanceof FileSource) source.reverse(active.skipMs);
        return;
      case 'forward':
        if (source instanceof FileSource) source.forward(active.skipMs);
        return;
    }
  }

  /** The item is over: its source leaves the stream slot and the core hears how it ended (once). */
  #end(channel: MediaChannel, active: Active, result: PlaybackResult): void {
    if (active.isOver) return;
    active.isOver = true;
    if (this.#active.get(channel) === active) this.#active.delete(channel);
    const source = active.source;
    if (source !== undefined && channel.source('stream') === source) channel.setSource('stream', undefined);
    const positionMs = source instanceof FileSource ? source.positionMs : 0;
    this.engine.emit(channel.id, { ev: 'playback-ended', pb: active.pb, result, positionMs });
  }
}
