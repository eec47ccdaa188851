import { notImplemented, type ResourceHandlers } from '../contract/implement.js';

/** Snoop channels (res_stasis_snoop). */
export const channelSnoopHandlers = {
  snoopChannel: notImplemented,
  snoopChannelWithId: notImplemented,
} satisfies Partial<ResourceHandlers<'channels'>>;
