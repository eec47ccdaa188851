import { reportTransferProgress, TRANSFER_STATES, type TransferState } from '../../core/transfer/ari-transfer.js';
import { implement } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

/** The `states` value, compared without regard to case as resource_channels.c does (strcasecmp). */
function transferState(states: string): TransferState {
  const lower = states.toLowerCase();
  const state = TRANSFER_STATES.find((s) => s === lower);
  if (state === undefined) throw new AriError(400, 'Invalid states value');
  return state;
}

/**
 * `POST /channels/{id}/transfer_progress` (ast_ari_channels_transfer_progress): find_control's 404/409, then
 * "states must not be empty", then the value; the state reaches a transfer handed to the application on that
 * channel (ChannelTransfer). A channel with none answers 204 all the same, as Asterisk's control frame does.
 */
export const channelTransferHandlers = {
  transfer_progress: implement(ops.transfer_progress, {
    target: 'stasisChannel',
    params: { states: { missing: 'states must not be empty' } },
    handle: ({ states }, { channel }) => {
      if (states === '') throw new AriError(400, 'states must not be empty');
      reportTransferProgress(channel, transferState(states));
    },
  }),
};
