import { TERMINATE_DIGITS, type TerminateOn } from '../../core/recording/live-recording.js';
import type { IfExists, RecordProblem, StartedRecording } from '../../core/recording/recordings.js';
import type { LiveRecording as LiveRecordingModel } from '../models/wire.js';
import { implement, type ResourceHandlers } from '../contract/implement.js';
import { Reply } from '../contract/result.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

const IF_EXISTS: readonly IfExists[] = ['fail', 'overwrite', 'append'];

/** `terminateOn` as stasis_app_recording_termination_parse reads it: case-insensitive, empty = none. */
export function terminateOn(value: string | undefined): TerminateOn | undefined {
  const v = (value ?? '').toLowerCase();
  if (v === '') return 'none';
  return Object.hasOwn(TERMINATE_DIGITS, v) ? (v as TerminateOn) : undefined;
}

/** `ifExists` as stasis_app_recording_if_exists_parse reads it: case-insensitive, empty = fail. */
export function ifExists(value: string | undefined): IfExists | undefined {
  const v = (value ?? '').toLowerCase();
  if (v === '') return 'fail';
  return IF_EXISTS.find((x) => x === v);
}

/** The answer to a record request: 201 + Location, or the refusal as Asterisk words it. */
export function recordingReply(
  started: StartedRecording | RecordProblem,
  name: string | undefined,
): Reply<LiveRecordingModel> {
  switch (started) {
    case 'empty-name':
      throw new AriError(500, 'Error parsing request');
    case 'invalid-name':
      throw new AriError(400, 'Recording name invalid');
    case 'exists':
      throw new AriError(409, `Recording '${name ?? ''}' already exists and can not be overwritten`);
    case 'io':
      throw new AriError(500, 'Internal Server Error');
    default:
      return new Reply(started.created, {
        status: 201,
        headers: { Location: `/ari/recordings/live/${encodeURIComponent(started.recording.name)}` },
      });
  }
}

/**
 * Channel recording (res_stasis_recording, resource_channels.c ast_ari_channels_record), in Asterisk's order:
 * negative limits (before the channel lookup), the channel (404/409; no 412: a Down channel is recorded without being answered),
 * terminateOn, ifExists, the format (422), then the name and the file (400/409/500). 201 with the recording
 * `queued` and its Location; the recording itself runs on the channel's command queue.
 */
export const channelRecordHandlers = {
  record: implement(ops.record, {
    target: 'stasisChannel',
    order: ['params', 'target'],
    params: {
      maxDurationSeconds: { outOfRange: 'max_duration_seconds cannot be negative' },
      maxSilenceSeconds: { outOfRange: 'max_silence_seconds cannot be negative' },
    },
    handle: async (args, { core, channel, control }) => {
      const terminate = terminateOn(args.terminateOn);
      if (terminate === undefined) throw new AriError(400, 'terminateOn invalid');
      const exists = ifExists(args.ifExists);
      if (exists === undefined) throw new AriError(400, 'ifExists invalid');
      const format = args.format ?? '';
      if (!core.recordings.isWritableFormat(format)) {
        throw new AriError(422, 'specified format is unknown on this system');
      }
      const started = await core.recordings.record(channel, control, {
        name: args.name,
        format,
        maxDurationSeconds: args.maxDurationSeconds ?? 0,
        maxSilenceSeconds: args.maxSilenceSeconds ?? 0,
        ifExists: exists,
        beep: args.beep ?? false,
        terminateOn: terminate,
      });
      return recordingReply(started, args.name);
    },
  }),
} satisfies Partial<ResourceHandlers<'channels'>>;
