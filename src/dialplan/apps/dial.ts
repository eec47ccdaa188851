import { dialChannel, parseEndpoint, requestChannel } from '../../core/outbound.js';
import { DialJoin } from '../../core/transfer/dial-join.js';
import { splitAppArgs } from '../app-args.js';
import type { AppContext, AppResult } from './app.js';

/**
 * Dial(Tech/resource[&...][,timeout[,options]]) — app_dial subset: the first destination is called, on
 * answer the two channels are joined back to back until either hangs up or a transfer takes them apart. Sets
 * DIALSTATUS.
 */
export async function dial({ channel, core, data }: AppContext): Promise<AppResult> {
  const [targets = '', timeoutText = ''] = splitAppArgs(data);
  const endpoint = targets.split('&')[0]!.trim();
  const parsed = parseEndpoint(endpoint);
  if (!parsed) {
    channel.setVariable('DIALSTATUS', 'CHANUNAVAIL');
    return;
  }
  let callee;
  try {
    callee = requestChannel(core, endpoint, { id: core.channels.allocateId(), originator: channel });
  } catch {
    channel.setVariable('DIALSTATUS', 'CHANUNAVAIL');
    return;
  }
  callee.setCaller({ ...channel.caller });
  // Early media: what the callee sends while it rings (a 183 with SDP) reaches the caller, as app_dial passes
  // progress audio on; the caller's own audio goes across only once answered.
  callee.linkAudio(channel);
  const timeoutSec = Number.parseFloat(timeoutText);
  const status = await Promise.race([
    dialChannel(core, callee, timeoutSec > 0 ? timeoutSec * 1000 : 0, parsed.resource, channel),
    channel.whenHangup().then(() => 'CANCEL' as const),
  ]);
  channel.setVariable('DIALSTATUS', status === 'TIMEOUT' ? 'NOANSWER' : status);
  if (status !== 'ANSWER') {
    callee.linkAudio(undefined);
    callee.destroy();
    return;
  }
  channel.answer();
  // Back to back: each side's audio is linked to the other in the media plane and frames (DTMF) cross; a
  // transfer received on either leg may end the join or move this channel into another (dial-join.ts).
  const end = await new DialJoin(channel, callee).wait(channel);
  // app_dial sets DIALSTATUS again once the bridge is over (recorded: ANSWER after a hangup or a transfer).
  if (!channel.isDestroyed) channel.setVariable('DIALSTATUS', 'ANSWER');
  // A blind transfer sends this channel on in the dialplan, as app_dial's after-bridge goto does.
  if (end.goto !== undefined) return { goto: end.goto };
  return { hangup: true };
}
