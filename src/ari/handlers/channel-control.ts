import type { ControlIndication } from '../../core/frame.js';
import { streamDtmf } from '../../core/channel/dtmf-stream.js';
import { implement, type ResourceHandlers } from '../contract/implement.js';
import type { TargetEnvs } from '../contract/targets.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

/** mute/unmute: the documented default (both) is not applied: absent is an error (§6.8, quirk 6). */
const DIRECTION = { missing: 'Direction is required', invalid: 'Invalid direction specified' } as const;

/** An indication queued on an answered Stasis channel; 204 at once (§6.4). */
const indicate =
  (what: ControlIndication) =>
  (_args: unknown, { channel, control }: TargetEnvs['answerableChannel']): void =>
    void control.run(() => channel.indicate(what));

/** Answer, indications, mute and DTMF on a channel in Stasis. */
export const channelControlHandlers = {
  answer: implement(ops.answer, {
    target: 'answerableChannel',
    handle: (_args, { channel, control }) => void control.run(() => channel.answer()),
  }),
  ring: implement(ops.ring, { target: 'answerableChannel', handle: indicate('ringing') }),
  ringStop: implement(ops.ringStop, { target: 'answerableChannel', handle: indicate('stop') }),
  progress: implement(ops.progress, { target: 'answerableChannel', handle: indicate('progress') }),
  hold: implement(ops.hold, { target: 'answerableChannel', handle: indicate('hold') }),
  unhold: implement(ops.unhold, { target: 'answerableChannel', handle: indicate('unhold') }),

  mute: implement(ops.mute, {
    target: 'answerableChannel',
    params: { direction: DIRECTION },
    handle: ({ direction }, { channel, control }) => void control.run(() => channel.setMuted(direction, true)),
  }),
  unmute: implement(ops.unmute, {
    target: 'answerableChannel',
    params: { direction: DIRECTION },
    handle: ({ direction }, { channel, control }) => void control.run(() => channel.setMuted(direction, false)),
  }),

  sendDTMF: implement(ops.sendDTMF, {
    target: 'answerableChannel',
    params: { dtmf: { missing: 'DTMF is required' } },
    handle: ({ dtmf, before, between, duration, after }, { channel, control }) => {
      // Any characters are accepted: the stream skips those that are not digits (ast_dtmf_stream).
      // Digits are streamed on the channel's command queue: later commands wait for them (§6.4).
      void control.run(() => streamDtmf(channel, dtmf, { before, between, duration, after }));
    },
  }),
} satisfies Partial<ResourceHandlers<'channels'>>;
