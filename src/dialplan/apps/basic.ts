import { splitAppArgs } from '../app-args.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Frame } from '../../core/frame.js';
import { safeSleep, type AppContext, type AppResult } from './app.js';

/** How long __ast_answer waits for the first voice frame after answering, so early audio is not clipped. */
const ANSWER_MEDIA_WAIT_MS = 500;

/**
 * Answer([delay]) — app_answer: answer, then wait `delay` ms, or, when none is given and the channel was not
 * yet up, until audio arrives or 500 ms pass (trace s1: `;2` reaches Echo about 490 ms after its Answer).
 */
export async function answer({ channel, data }: AppContext): Promise<AppResult> {
  const wasUp = channel.state === 'Up';
  channel.answer();
  const delay = Number.parseInt(data, 10);
  if (delay > 0) return safeSleep(channel, delay);
  if (wasUp) return;
  await waitForMedia(channel);
}

/**
 * __ast_answer's wait: the channel is read until audio or a digit arrives or 500 ms pass, and the digits read
 * are put back for whoever reads next (Asterisk 22.10.1: a digit sent to a Local `;2` during its Answer() is
 * published once the channel is in Stasis, with its own duration, before later digits).
 */
async function waitForMedia(channel: Channel): Promise<void> {
  const previous = channel.reader;
  const heard: Frame[] = [];
  let digit = (): void => {};
  const digitHeard = new Promise<void>((resolve) => (digit = resolve));
  channel.reader = (frame) => {
    if (frame.kind === 'control') return;
    heard.push(frame);
    digit();
  };
  // A channel without open media (a Local half nobody has linked to audio yet) has no audio frame to wait for.
  const media = channel.hasMedia ? channel.media : undefined;
  const audio =
    media === undefined
      ? safeSleep(channel, ANSWER_MEDIA_WAIT_MS)
      : Promise.race([media.request({ op: 'wait-audio', timeoutMs: ANSWER_MEDIA_WAIT_MS }), channel.whenHangup()]);
  await Promise.race([audio, digitHeard]);
  if (channel.isDestroyed) return;
  channel.reader = previous;
  if (heard.length > 0) channel.unread(heard);
}

/** Hangup([cause]) — pbx_builtin_hangup: a soft hangup with the cause (16 when none or not a number). */
export function hangup({ channel, data }: AppContext): AppResult {
  const cause = Number.parseInt(data.trim(), 10);
  channel.softHangup(16, Number.isFinite(cause) && cause > 0 ? cause : 16);
  return { hangup: true };
}

export function noOp(): AppResult {
  return undefined;
}

/** Wait(seconds) — fractional seconds; frames are read meanwhile, so DTMF is still published. */
export async function wait({ channel, data }: AppContext): Promise<AppResult> {
  const seconds = Number.parseFloat(data);
  if (!(seconds > 0)) return;
  const previous = channel.reader;
  channel.reader ??= () => {};
  await safeSleep(channel, seconds * 1000);
  if (!channel.isDestroyed) channel.reader = previous;
}

/** Set(name=value) — the name may be a writable function such as CALLERID(name). */
export function set({ channel, core, data }: AppContext): AppResult {
  const eq = data.indexOf('=');
  if (eq <= 0) return;
  const name = data.slice(0, eq).trim();
  const value = data.slice(eq + 1);
  try {
    core.variables.write(channel, name, value);
  } catch {
    // pbx_builtin_setvar logs a failed function write and goes on.
  }
}

export function ringing({ channel }: AppContext): AppResult {
  channel.indicate('ringing');
}

export function progress({ channel }: AppContext): AppResult {
  channel.indicate('progress');
}

/** Busy([timeout]) / Congestion([timeout]): indicate, set the cause, wait for the caller to hang up. */
function indicateAndWait(indication: 'busy' | 'congestion', cause: number) {
  return async ({ channel, data }: AppContext): Promise<AppResult> => {
    channel.indicate(indication);
    if (channel.hangupCause === 0) channel.hangupCause = cause;
    const seconds = Number.parseFloat(splitAppArgs(data)[0] ?? '');
    if (seconds > 0) await safeSleep(channel, seconds * 1000);
    else await channel.whenHangup();
    return { hangup: true };
  };
}

export const busy = indicateAndWait('busy', 17);
export const congestion = indicateAndWait('congestion', 34);

/** Echo() — everything read is written back: audio and DTMF (app_echo). */
export async function echo({ channel }: AppContext): Promise<AppResult> {
  // Audio is linked back to the channel in the media plane; DTMF goes back here; indications (hold, ringing,
  // ...) are the caller's business, not echoed.
  channel.linkAudio(channel);
  channel.reader = (frame) => {
    if (frame.kind !== 'control') channel.write(frame);
  };
  await channel.whenHangup();
  return { hangup: true };
}
