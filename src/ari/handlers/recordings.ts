import { notImplemented, resourceHandlers } from '../contract/implement.js';

/** The /recordings resource: live recordings and stored ones. */
export const recordingHandlers = resourceHandlers('recordings', {
  listStored: notImplemented,
  getStored: notImplemented,
  deleteStored: notImplemented,
  getStoredFile: notImplemented,
  copyStored: notImplemented,
  getLive: notImplemented,
  cancel: notImplemented,
  stop: notImplemented,
  pause: notImplemented,
  unpause: notImplemented,
  mute: notImplemented,
  unmute: notImplemented,
});
