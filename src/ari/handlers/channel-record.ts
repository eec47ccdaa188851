import { notImplemented, type ResourceHandlers } from '../contract/implement.js';

/** Channel recording (res_stasis_recording). */
export const channelRecordHandlers = {
  record: notImplemented,
} satisfies Partial<ResourceHandlers<'channels'>>;
