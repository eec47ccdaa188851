import { notImplemented, type ResourceHandlers } from '../contract/implement.js';

/** Music on hold and silence on a channel. */
export const channelMohHandlers = {
  startMoh: notImplemented,
  stopMoh: notImplemented,
  startSilence: notImplemented,
  stopSilence: notImplemented,
} satisfies Partial<ResourceHandlers<'channels'>>;
