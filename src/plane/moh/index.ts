/**
 * Music on hold and the silence generator in a media engine. Both are generators: they take the channel's
 * `generator` slot, so one replaces the other, a playback (the `stream` slot) ends either for good, and while one
 * runs, audio from a bridge or link is not sent (media-channel.ts). What the core sees of Asterisk's rules:
 * - `moh-start` with the class already playing on the channel changes nothing (local_ast_moh_start); another
 *   class, or music after something else ended it, starts — resuming where that channel left the same class;
 * - an unknown class plays `default`; with no class at all, nothing starts (`moh-failed`);
 * - `moh-stop` ends the generator whatever it is, silence included (ast_moh_stop deactivates the generator);
 * - `silence-start` always installs a fresh silence generator, replacing music too; `silence-stop` ends it only
 *   while it is still the generator, so it never stops music (control.c, main/channel.c
 *   deactivate_silence_generator).
 */
import { AudioFileCache } from '../../media/formats/audio-file-cache.js';
import type { DecodedAudio } from '../../media/formats/load-audio-file.js';
import { findSoundFile } from '../../media/sounds/find-sound-file.js';
import type { MediaCommand } from '../../core/media/media-protocol.js';
import type { MohCommand } from '../../core/media/moh-protocol.js';
import type { EngineFeature, MediaEngine } from '../engine.js';
import type { MediaChannel } from '../media-channel.js';
import type { PlaneSettings } from '../plane-settings.js';
import { MohLibrary } from './moh-library.js';
import { canResume, freshPosition, type MohPosition, type Random } from './moh-position.js';
import { MohSource, type MohLoader, type Rate } from './moh-source.js';
import { SilenceSource } from './silence-source.js';

const MOH_OPS: ReadonlySet<string> = new Set<MohCommand['op']>([
  'moh-start',
  'moh-stop',
  'silence-start',
  'silence-stop',
]);

function isMohCommand(cmd: MediaCommand): cmd is MohCommand {
  return MOH_OPS.has(cmd.op);
}

/** What the feature needs besides the engine (tests give their own random numbers). */
export interface MohOptions {
  readonly random?: Random;
  readonly cache?: AudioFileCache;
}

/** The moh feature of a media engine (commands in moh-protocol.ts). */
export function installMoh(engine: MediaEngine, settings: PlaneSettings, options: MohOptions = {}): MohFeature {
  const feature = new MohFeature(engine, settings, options);
  engine.features.push(feature);
  return feature;
}

export class MohFeature implements EngineFeature {
  /** Replaced by a res_musiconhold reload; a playing MohSource keeps the class object it was started with. */
  library: MohLibrary;
  readonly #positions = new Map<MediaChannel, MohPosition>();
  readonly #random: Random;
  readonly #loader: MohLoader;

  constructor(
    private readonly engine: MediaEngine,
    private readonly settings: PlaneSettings,
    options: MohOptions,
  ) {
    this.library = new MohLibrary(settings.mohClasses);
    this.#random = options.random ?? Math.random;
    const cache = options.cache ?? new AudioFileCache();
    const decode = async (found: { path: string; format: string } | undefined): Promise<DecodedAudio | undefined> => {
      if (found === undefined) return undefined;
      const audio = await cache.get(found.path, found.format);
      return 'error' in audio ? undefined : audio;
    };
    const never = (): undefined => undefined;
    this.#loader = {
      music: (base, language, rate) => findSoundFile([], base, language, rate).then(decode).catch(never),
      sound: (name, language, rate) =>
        findSoundFile([settings.soundsDir], name, language, rate).then(decode).catch(never),
    };
  }

  command(channel: MediaChannel, cmd: MediaCommand): boolean {
    if (!isMohCommand(cmd)) return false;
    switch (cmd.op) {
      case 'moh-start':
        this.#start(channel, cmd.mohClass, cmd.language, cmd.isAnswered);
        return true;
      case 'moh-stop':
        channel.setSource('generator', undefined);
        return true;
      case 'silence-start':
        channel.setSource('generator', new SilenceSource());
        return true;
      case 'silence-stop':
        if (channel.source('generator') instanceof SilenceSource) channel.setSource('generator', undefined);
        return true;
    }
  }

  closed(channel: MediaChannel): void {
    this.#positions.delete(channel);
  }

  /**
   * musiconhold.conf was read again: new starts use the new classes. Music already playing goes on with the class
   * it started with, even one the file no longer has (Asterisk 22 unlinks a removed class, and each listener keeps
   * its reference until its music stops).
   */
  reconfigured(): void {
    this.library = new MohLibrary(this.settings.mohClasses);
  }

  #start(channel: MediaChannel, mohClass: string | undefined, language: string, isAnswered: boolean): void {
    const cls = this.library.find(mohClass);
    if (cls === undefined || (cls.answeredOnly && !isAnswered)) {
      this.engine.emit(channel.id, { ev: 'moh-failed' });
      return;
    }
    const current = channel.source('generator');
    if (!(current instanceof MohSource && current.className === cls.name)) {
      let pos = this.#positions.get(channel);
      if (pos === undefined || !canResume(pos, cls)) {
        pos = freshPosition(cls, this.#random);
        this.#positions.set(channel, pos);
      }
      const rate: Rate = channel.rate === 16000 ? 16000 : 8000;
      channel.setSource('generator', new MohSource(cls, pos, this.#loader, language, rate, this.#random));
    }
    this.engine.emit(channel.id, { ev: 'moh-started', mohClass: cls.name });
  }
}
