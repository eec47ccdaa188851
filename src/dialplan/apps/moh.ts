/**
 * The dialplan's music on hold (res_musiconhold.c play_moh_exec, start_moh_exec, stop_moh_exec):
 * - MusicOnHold([class[,duration]]): music until `duration` seconds pass or the channel hangs up, then it stops.
 *   A duration that is not a number, or not above 0, means until hangup. When no music can start (no such class
 *   and no `default`), the application returns at once and the dialplan goes on.
 * - StartMusicOnHold([class]): music that goes on while the dialplan continues (Wait(), Dial() ringing, ...).
 * - StopMusicOnHold(): ends it (whatever generator the channel has, as ast_moh_stop does).
 * The class is found as for ARI: the one named (any case), else `default`. None of them answers the channel.
 */
import type { Channel } from '../../core/channel/channel.js';
import { startMusicOnHold, stopMusicOnHold } from '../../core/media/moh-control.js';
import { splitAppArgs } from '../app-args.js';
import { safeSleep, type AppContext, type AppResult } from './app.js';

const MS_PER_SECOND = 1000;

/** sscanf("%d"): leading blanks, an optional sign and digits; undefined when there are none. */
function scanInt(text: string): number | undefined {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m === null ? undefined : Number.parseInt(m[1]!, 10);
}

/** Start the music and learn whether it started (the plane answers every start). */
function startAndConfirm(channel: Channel, mohClass: string | undefined): Promise<boolean> {
  if (channel.media === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const stop = channel.onMediaEvent((event) => {
      if (event.ev !== 'moh-started' && event.ev !== 'moh-failed') return;
      stop();
      resolve(event.ev === 'moh-started');
    });
    // A hangup closes the media, and no answer comes.
    void channel.whenHangup().then(() => {
      stop();
      resolve(false);
    });
    startMusicOnHold(channel, mohClass);
  });
}

export async function musicOnHold({ channel, data }: AppContext): Promise<AppResult> {
  const [mohClass, duration = ''] = splitAppArgs(data);
  const seconds = duration === '' ? undefined : scanInt(duration);
  if (!(await startAndConfirm(channel, mohClass))) return channel.isHangupRequested ? { hangup: true } : undefined;
  if (seconds !== undefined && seconds > 0) await safeSleep(channel, seconds * MS_PER_SECOND);
  else await channel.whenHangup();
  stopMusicOnHold(channel);
  return channel.isHangupRequested ? { hangup: true } : undefined;
}

export function startMusicOnHoldApp({ channel, data }: AppContext): AppResult {
  const [mohClass] = splitAppArgs(data);
  startMusicOnHold(channel, mohClass);
}

export function stopMusicOnHoldApp({ channel }: AppContext): AppResult {
  stopMusicOnHold(channel);
}
