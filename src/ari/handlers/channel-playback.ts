import { notImplemented, type ResourceHandlers } from '../contract/implement.js';

/** Channel playback: play and playWithId (res_stasis_playback). */
export const channelPlaybackHandlers = {
  play: notImplemented,
  playWithId: notImplemented,
} satisfies Partial<ResourceHandlers<'channels'>>;
