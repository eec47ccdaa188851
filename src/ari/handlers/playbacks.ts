import { notImplemented, resourceHandlers } from '../contract/implement.js';

/** The /playbacks resource: get, stop, control. */
export const playbackHandlers = resourceHandlers('playbacks', {
  get: notImplemented,
  stop: notImplemented,
  control: notImplemented,
});
