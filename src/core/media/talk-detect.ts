/**
 * TALK_DETECT (funcs/func_talkdetect.c): `Set(TALK_DETECT(set)=[dsp_silence_threshold][,dsp_talking_threshold])`
 * starts (or retunes) talk detection on what a channel reads, `TALK_DETECT(remove)` stops it; the channel then
 * publishes ChannelTalkingStarted and ChannelTalkingFinished (with `duration`, ms) to its subscribers. The
 * detector runs in the channel's media (plane/talk); this is the function and the events.
 *
 * As in Asterisk the function can only be written: reading it fails ("Unable to read provided function" over
 * ARI), and a write it refuses (an unknown action, unparsable or non-positive numbers, removing detection that
 * is not on) only logs in Asterisk, so ARI's setChannelVar still answers 204.
 */
import { parseTalkDetectSet } from '../../media/dsp/talk-detector.js';
import type { Channel } from '../channel/channel.js';
import type { Core } from '../core.js';
import { CoreError } from '../errors.js';
import type { MediaEvent } from './media-protocol.js';

/** TALK_DETECT(set|remove): talk detection on a channel's audio, published as ChannelTalkingStarted/Finished. */
export function installTalkDetect(core: Core): void {
  /** Channels with detection on, and how to stop listening to their media. */
  const detecting = new WeakMap<Channel, () => void>();

  const set = (channel: Channel, value: string): void => {
    const parsed = parseTalkDetectSet(value);
    if ('error' in parsed) return;
    const media = channel.media;
    if (media === undefined) return;
    if (!detecting.has(channel))
      detecting.set(
        channel,
        channel.onMediaEvent((e) => publish(channel, e)),
      );
    media.send({ op: 'talk-set', ...parsed });
  };

  const remove = (channel: Channel): void => {
    const stop = detecting.get(channel);
    if (stop === undefined) return;
    detecting.delete(channel);
    stop();
    channel.media?.send({ op: 'talk-remove' });
  };

  core.variables.registerFunction('TALK_DETECT', {
    read() {
      throw new CoreError('FUNCTION_FAILED', 'Unable to read provided function');
    },
    write(channel, action, value) {
      // The action is compared whole and without regard to case (strcasecmp).
      const lower = action.toLowerCase();
      if (lower === 'set') set(channel, value);
      else if (lower === 'remove') remove(channel);
    },
  });
}

function publish(channel: Channel, event: MediaEvent): void {
  if (event.ev === 'talk-started') channel.publish('ChannelTalkingStarted');
  else if (event.ev === 'talk-finished') channel.publish('ChannelTalkingFinished', { duration: event.durationMs });
}
