/*
 * The recording feature of a media engine: starts, stops, pauses and mutes recorders on channels (commands in
 * recording-protocol.ts), and ends them when their channel closes. The beep is looked up like any sound (the
 * channel's language with Asterisk's fallback) and kept decoded per language and rate.
 */
import type { MediaCommand, MediaEvent } from '../../core/media/media-protocol.js';
import type { RecordingCommand } from '../../core/media/recording-protocol.js';
import { loadAudioFile } from '../../media/formats/load-audio-file.js';
import { findSoundFile } from '../../media/sounds/find-sound-file.js';
import type { EngineFeature, MediaEngine } from '../engine.js';
import type { MediaChannel } from '../media-channel.js';
import type { PlaneSettings } from '../plane-settings.js';
import { convertRate } from './beep-source.js';
import { Recorder, type RecorderHost } from './recorder.js';

function isRecordingCommand(cmd: MediaCommand): cmd is RecordingCommand {
  return cmd.op.startsWith('record-');
}

/** The sound both recorders play before recording. */
const BEEP_SOUND = 'beep';

class RecordingFeature implements EngineFeature, RecorderHost {
  readonly #byRec = new Map<number, Recorder>();
  readonly #byChannel = new Map<MediaChannel, Set<Recorder>>();
  /** Decoded beeps by `language|rate`; a miss is not kept (the sound may be installed later). */
  readonly #beeps = new Map<string, Promise<Int16Array | undefined>>();

  constructor(
    private readonly engine: MediaEngine,
    private readonly settings: PlaneSettings,
  ) {}

  command(channel: MediaChannel, cmd: MediaCommand): boolean {
    if (!isRecordingCommand(cmd)) return false;
    switch (cmd.op) {
      case 'record-start': {
        if (this.#byRec.has(cmd.rec)) return true;
        const recorder = new Recorder(cmd.rec, channel, cmd.spec, this);
        this.#byRec.set(cmd.rec, recorder);
        let set = this.#byChannel.get(channel);
        if (set === undefined) this.#byChannel.set(channel, (set = new Set()));
        set.add(recorder);
        recorder.start();
        return true;
      }
      case 'record-stop':
        this.#byRec.get(cmd.rec)?.stop(cmd.reason);
        return true;
      case 'record-pause':
        this.#byRec.get(cmd.rec)?.pause(cmd.paused);
        return true;
      case 'record-mute':
        this.#byRec.get(cmd.rec)?.mute(cmd.muted);
        return true;
    }
  }

  closed(channel: MediaChannel): void {
    const set = this.#byChannel.get(channel);
    if (set === undefined) return;
    for (const recorder of [...set]) recorder.stop('hangup');
  }

  // RecorderHost

  beep(language: string, rate: 8000 | 16000): Promise<Int16Array | undefined> {
    const key = `${language}|${rate}`;
    let pending = this.#beeps.get(key);
    if (pending === undefined) {
      pending = this.#loadBeep(language, rate).then((samples) => {
        if (samples === undefined) this.#beeps.delete(key);
        return samples;
      });
      this.#beeps.set(key, pending);
    }
    return pending;
  }

  async #loadBeep(language: string, rate: 8000 | 16000): Promise<Int16Array | undefined> {
    const found = await findSoundFile([this.settings.soundsDir], BEEP_SOUND, language, rate);
    if (found === undefined) return undefined;
    const audio = await loadAudioFile(found.path, found.format);
    if ('error' in audio) return undefined;
    return convertRate(audio.samples, audio.sampleRate, rate);
  }

  emit(channel: MediaChannel, event: MediaEvent): void {
    this.engine.emit(channel.id, event);
  }

  forget(recorder: Recorder): void {
    this.#byRec.delete(recorder.rec);
    const set = this.#byChannel.get(recorder.channel);
    set?.delete(recorder);
    if (set?.size === 0) this.#byChannel.delete(recorder.channel);
  }
}

/** The recording feature of a media engine (commands in recording-protocol.ts). */
export function installRecording(engine: MediaEngine, settings: PlaneSettings): void {
  engine.features.push(new RecordingFeature(engine, settings));
}
