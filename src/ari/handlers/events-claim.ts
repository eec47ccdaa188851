/**
 * POST /events/claim (Asterisk 20.20 / 22.10 / 23.4): the first application to claim a channel parked in the
 * StasisBroadcast() dialplan application takes it into Stasis. The claim belongs to res_stasis_broadcast;
 * Switchyard has neither that module nor StasisBroadcast(), so once both parameters are present it answers what
 * Asterisk answers when res_stasis_broadcast is not loaded (resource_events.c): 501 Not Implemented. The
 * parameters are checked first, channelId before application, with Asterisk's messages.
 */
import { implement } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const NOT_LOADED = 'Broadcast functionality not available (res_stasis_broadcast not loaded)';

export const claimChannel = implement(OPERATIONS.events.claimChannel, {
  params: {
    channelId: { missing: 'channelId parameter is required' },
    application: { missing: 'application parameter is required' },
  },
  handle: () => {
    throw new AriError(501, NOT_LOADED, 'Not Implemented');
  },
});
