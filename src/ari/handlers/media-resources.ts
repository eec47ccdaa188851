import { notImplemented, resourceHandlers } from '../contract/implement.js';

/** Recordings, sounds and playbacks: they answer 501 until the media engine implements them. */
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

export const soundHandlers = resourceHandlers('sounds', { list: notImplemented, get: notImplemented });

export const playbackHandlers = resourceHandlers('playbacks', {
  get: notImplemented,
  stop: notImplemented,
  control: notImplemented,
});
