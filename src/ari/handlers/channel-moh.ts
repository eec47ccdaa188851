import type { Channel } from '../../core/channel/channel.js';
import { startMusicOnHold, startSilence, stopMusicOnHold, stopSilence } from '../../core/media/moh-control.js';
import { implement, type ResourceHandlers } from '../contract/implement.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

/**
 * control.c app_control_moh_start / app_control_silence_start: a channel that is not answered yet is first told
 * PROGRESS (a SIP caller gets a 183, and the music or silence is early media).
 */
function progressUnlessUp(channel: Channel): void {
  if (channel.state !== 'Up') channel.indicate('progress');
}

/**
 * Music on hold and silence on a channel in Stasis (§6.8). Each is queued on the channel's command queue and
 * answered 204 at once; an unknown class plays `default` (Asterisk answers 204 either way).
 */
export const channelMohHandlers = {
  startMoh: implement(ops.startMoh, {
    target: 'answerableChannel',
    handle: ({ mohClass }, { channel, control }) =>
      void control.run(() => {
        progressUnlessUp(channel);
        startMusicOnHold(channel, mohClass);
      }),
  }),
  stopMoh: implement(ops.stopMoh, {
    target: 'answerableChannel',
    handle: (_args, { channel, control }) => void control.run(() => stopMusicOnHold(channel)),
  }),
  startSilence: implement(ops.startSilence, {
    target: 'answerableChannel',
    handle: (_args, { channel, control }) =>
      void control.run(() => {
        progressUnlessUp(channel);
        startSilence(channel);
      }),
  }),
  stopSilence: implement(ops.stopSilence, {
    target: 'answerableChannel',
    handle: (_args, { channel, control }) => void control.run(() => stopSilence(channel)),
  }),
} satisfies Partial<ResourceHandlers<'channels'>>;
