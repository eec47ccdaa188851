import type { LiveOperation } from '../../core/recording/live-recording.js';
import type { Core } from '../../core/core.js';
import { implement, resourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.recordings;

const recordingNotFound = (): AriError => new AriError(404, 'Recording not found');

/** control_recording in resource_recordings.c: 404 unknown, 409 when the state does not allow the operation. */
function control(core: Core, name: string, operation: LiveOperation): void {
  const recording = core.recordings.live(name);
  if (recording === undefined) throw recordingNotFound();
  if (!recording.operate(operation)) throw new AriError(409, 'Recording not in session');
}

/** The /recordings resource: live recordings and stored ones (resource_recordings.c). */
export const recordingHandlers = resourceHandlers('recordings', {
  listStored: implement(ops.listStored, { handle: (_args, { core }) => core.recordings.stored.list() }),
  getStored: implement(ops.getStored, {
    handle: async ({ recordingName }, { core }) => {
      const found = await core.recordings.stored.find(recordingName);
      if (found === undefined) throw recordingNotFound();
      return { name: found.name, format: found.format };
    },
  }),
  deleteStored: implement(ops.deleteStored, {
    handle: async ({ recordingName }, { core }) => {
      if (!(await core.recordings.stored.delete(recordingName))) throw recordingNotFound();
    },
  }),
  // The bytes as they are on disk; HTTP Range requests are served by the HTTP layer from these bytes. Over REST
  // on the WebSocket a file cannot travel: 406 (ari_websocket_requests.c).
  getStoredFile: implement(ops.getStoredFile, {
    handle: async ({ recordingName }, { core }) => {
      const file = await core.recordings.stored.file(recordingName);
      if (file.ok) return { contentType: file.contentType, data: file.data };
      switch (file.reason) {
        case 'not-found':
          throw recordingNotFound();
        case 'no-format':
          throw new AriError(500, 'Format specified by recording not available or loaded');
        case 'unreadable':
          throw new AriError(403, 'Recording could not be opened');
      }
    },
  }),
  copyStored: implement(ops.copyStored, {
    handle: async ({ recordingName, destinationRecordingName }, { core }) => {
      const copied = await core.recordings.stored.copy(recordingName, destinationRecordingName);
      if (copied.ok) return copied.recording;
      switch (copied.reason) {
        case 'not-found':
          throw recordingNotFound();
        case 'exists':
          throw new AriError(409, 'A recording with the same name already exists on the system');
        case 'invalid':
          throw new AriError(400, 'Invalid destination recording name', 'Bad request');
        case 'forbidden':
          throw new AriError(403, 'Destination file path is forbidden');
        case 'failed':
          throw new AriError(500, 'Copy failed');
      }
    },
  }),
  getLive: implement(ops.getLive, {
    handle: ({ recordingName }, { core }) => {
      const recording = core.recordings.live(recordingName);
      if (recording === undefined) throw recordingNotFound();
      return recording.toModel();
    },
  }),
  cancel: implement(ops.cancel, { handle: ({ recordingName }, { core }) => control(core, recordingName, 'cancel') }),
  stop: implement(ops.stop, { handle: ({ recordingName }, { core }) => control(core, recordingName, 'stop') }),
  pause: implement(ops.pause, { handle: ({ recordingName }, { core }) => control(core, recordingName, 'pause') }),
  unpause: implement(ops.unpause, {
    handle: ({ recordingName }, { core }) => control(core, recordingName, 'unpause'),
  }),
  mute: implement(ops.mute, { handle: ({ recordingName }, { core }) => control(core, recordingName, 'mute') }),
  unmute: implement(ops.unmute, { handle: ({ recordingName }, { core }) => control(core, recordingName, 'unmute') }),
});
