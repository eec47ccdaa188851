import { mkdir } from 'node:fs/promises';
import { formatForExtension } from '../../media/formats/format-table.js';
import { repairWavFiles, type WavRepairSummary } from '../../media/formats/repair-wav.js';
import type { LiveRecording as LiveRecordingModel } from '../../ari/models/wire.js';
import type { Bridge } from '../bridge/bridge.js';
import type { Channel } from '../channel/channel.js';
import type { EventRoute } from '../events/event-bus.js';
import type { Core } from '../core.js';
import { CoreError } from '../errors.js';
import type { StasisControl } from '../stasis/stasis-control.js';
import { LiveRecording, type LiveRecordingHost, type TerminateOn } from './live-recording.js';
import { checkNewName, filesOf, prepareRecordingFolder } from './recording-paths.js';
import { StoredRecordings } from './stored-recordings.js';

/** Asterisk's defaults: `<astspooldir>/recording` and `<astdatadir>/sounds` of a stock install. */
const DEFAULT_RECORDINGS_DIR = '/var/spool/asterisk/recording';
const DEFAULT_SOUNDS_DIR = '/usr/share/asterisk/sounds';
/** The silence threshold ast_play_and_record uses when its caller (ARI) gives none. */
const ARI_SILENCE_THRESHOLD = 128;
const MS_PER_S = 1000;

export type IfExists = 'fail' | 'overwrite' | 'append';

/** A `record` request, its enumerations already checked. */
export interface RecordRequest {
  readonly name: string | undefined;
  /** A known, writable file format's extension. */
  readonly format: string;
  readonly maxDurationSeconds: number;
  readonly maxSilenceSeconds: number;
  readonly ifExists: IfExists;
  readonly beep: boolean;
  readonly terminateOn: TerminateOn;
}

/** A recording just queued, and its model as it was created. */
export interface StartedRecording {
  readonly recording: LiveRecording;
  readonly created: LiveRecordingModel;
}

/**
 * Why `record` refused (resource_channels.c): `empty-name` (500 "Error parsing request"), `invalid-name` (400),
 * `exists` (409: file there with ifExists=fail, or the name is recording), `io` (500).
 */
export type RecordProblem = 'empty-name' | 'invalid-name' | 'exists' | 'io';

/**
 * Live recordings (res_stasis_recording) by name, with their ARI state machine and events, and the stored ones
 * in the recordings folder. The audio is written by the media plane (src/plane/recording).
 */
export class Recordings {
  #recordingsDir = DEFAULT_RECORDINGS_DIR;
  #soundsDir = DEFAULT_SOUNDS_DIR;
  readonly #live = new Map<string, LiveRecording>();
  /** RECORDING_INFO(duration): ms of each channel's last Record(). */
  readonly #lastAppRecordingMs = new WeakMap<Channel, number>();
  readonly stored = new StoredRecordings(() => this.#recordingsDir);
  readonly #host: LiveRecordingHost = {
    publish: (recording, type) => {
      const fields = { recording: recording.toModel(type === 'RecordingFailed') };
      this.core.bus.publish(type, fields, recording.options.route ?? { channels: [recording.channel] });
    },
    ended: (recording) => {
      if (this.#live.get(recording.name) === recording) this.#live.delete(recording.name);
    },
  };

  constructor(readonly core: Core) {}

  get recordingsDir(): string {
    return this.#recordingsDir;
  }

  /** Where Record() puts a relative file name (Asterisk: `<astdatadir>/sounds/<name>`). */
  get soundsDir(): string {
    return this.#soundsDir;
  }

  /**
   * Start-up: take the folders from the configuration, create the recordings folder, and repair the wav files a
   * killed process left with stale header sizes so that every recording plays in full.
   */
  async start(dirs: { readonly recordingsDir: string; readonly soundsDir: string }): Promise<WavRepairSummary> {
    this.#recordingsDir = dirs.recordingsDir;
    this.#soundsDir = dirs.soundsDir;
    this.core.variables.registerFunction('RECORDING_INFO', {
      read: (channel, property) => {
        const ms = channel === undefined ? undefined : this.#lastAppRecordingMs.get(channel);
        // app_record.c: no Record() yet on the channel, or a property other than duration, is an error.
        if (ms === undefined || property.trim().toLowerCase() !== 'duration') {
          throw new CoreError('FUNCTION_FAILED', 'Unable to read provided function');
        }
        return String(ms);
      },
    });
    await mkdir(dirs.recordingsDir, { recursive: true }).catch(() => undefined);
    return repairWavFiles(dirs.recordingsDir);
  }

  /** Record() ran on the channel: RECORDING_INFO(duration) reads `ms` from now on. */
  noteAppRecording(channel: Channel, ms: number): void {
    this.#lastAppRecordingMs.set(channel, ms);
  }

  /** A live recording by name (queued, recording, paused, or finishing). */
  live(name: string): LiveRecording | undefined {
    return this.#live.get(name);
  }

  /** Whether the channel has a live recording (bridges refuse such a channel: 409 "… currently recording"). */
  isChannelRecording(channel: Channel): boolean {
    for (const recording of this.#live.values()) if (recording.channel === channel) return true;
    return false;
  }

  /** Whether ARI can record in this format: a known extension the media plane can write. */
  isWritableFormat(format: string): boolean {
    return formatForExtension(format)?.isSupported === true;
  }

  /**
   * POST /channels/{id}/record after its parameter checks (stasis_app_control_record): the name's folder is
   * created, the name checked, and the recording queued on the channel's command queue.
   */
  async record(
    channel: Channel,
    control: StasisControl,
    req: RecordRequest,
  ): Promise<StartedRecording | RecordProblem> {
    const made = await this.#prepare(channel, req, { isInStasis: () => channel.stasis === control });
    if (typeof made === 'string') return made;
    // The answer shows the recording as created (`queued`), even when its command starts at once.
    const created = made.toModel();
    void control.run(() => made.run());
    return { recording: made, created };
  }

  /**
   * POST /bridges/{id}/record after its parameter checks (ast_ari_bridges_record): a hidden `Recorder` channel on
   * a recorder port of the bridge's mixer hears the whole mix and records it; its events go to the bridge's
   * subscribers with `target_uri` `bridge:<id>`. The recorder leaves the bridge when the recording ends.
   */
  async recordBridge(bridge: Bridge, req: RecordRequest): Promise<StartedRecording | RecordProblem> {
    // The recorder joins before the name is checked and leaves again on failure, as in ast_ari_bridges_record.
    const recorder = bridge.joinMediaChannel('Recorder', 'ARI', 'recorder');
    const release = (): void => bridge.leaveMediaChannel(recorder);
    const made = await this.#prepare(recorder, req, {
      isInStasis: () => !recorder.isDestroyed,
      targetUri: `bridge:${bridge.id}`,
      route: { bridgeIds: [bridge.id] },
    });
    if (typeof made === 'string') {
      release();
      return made;
    }
    const created = made.toModel();
    void made.run().finally(release);
    return { recording: made, created };
  }

  /** stasis_app_control_record: the name checked, its folder made, the live recording registered. */
  async #prepare(
    channel: Channel,
    req: RecordRequest,
    target: { isInStasis: () => boolean; targetUri?: string; route?: EventRoute },
  ): Promise<LiveRecording | RecordProblem> {
    const name = req.name ?? '';
    const problem = checkNewName(name);
    if (problem !== undefined) return problem === 'empty' ? 'empty-name' : 'invalid-name';
    const folder = await prepareRecordingFolder(this.#recordingsDir, name);
    if ('problem' in folder) return 'invalid-name';
    if ('error' in folder) return 'io';
    const { base } = folder;
    if (req.ifExists === 'fail' && (await filesOf(dirOf(base), fileOf(base))).length > 0) return 'exists';
    if (this.#live.has(name)) return 'exists';
    // A C int: a huge maxSilenceSeconds overflows to a negative limit, which means none.
    const maxSilenceMs = Math.max(0, Math.imul(req.maxSilenceSeconds, MS_PER_S));
    const recording = new LiveRecording(
      channel,
      {
        name,
        format: req.format,
        base,
        terminateOn: req.terminateOn,
        ...(target.targetUri !== undefined && { targetUri: target.targetUri }),
        ...(target.route !== undefined && { route: target.route }),
        spec: {
          path: `${base}.${req.format}`,
          format: req.format,
          append: req.ifExists === 'append',
          maxDurationMs: req.maxDurationSeconds * MS_PER_S,
          maxSilenceMs,
          silenceThreshold: ARI_SILENCE_THRESHOLD,
          ...(req.beep && { beepLanguage: channel.language }),
          rules: 'ari',
          reportTalking: req.maxSilenceSeconds !== 0,
          keepOnHangup: true,
          truncateSilence: true,
        },
      },
      this.#host,
      target.isInStasis,
    );
    this.#live.set(name, recording);
    return recording;
  }
}

function dirOf(base: string): string {
  return base.slice(0, base.lastIndexOf('/'));
}

function fileOf(base: string): string {
  return base.slice(base.lastIndexOf('/') + 1);
}
