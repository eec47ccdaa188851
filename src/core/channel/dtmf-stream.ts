import { safeDelay } from '../stasis/safe-delay.js';
import type { Channel } from './channel.js';

/** Gap between digits when none (or 0) is given (ast_dtmf_stream). */
export const DEFAULT_DTMF_BETWEEN_MS = 100;
/** Length of each digit when none, or a shorter one, is given (AST_DEFAULT_EMULATE_DTMF_DURATION). */
export const DEFAULT_DTMF_DURATION_MS = 100;
/** What `w` waits; `W` waits a second. */
const HALF_PAUSE_MS = 500;
const FULL_PAUSE_MS = 1000;
/** The quiet time ast_dtmf_stream keeps before the first digit. */
const QUIET_BEFORE_MS = 100;
/** Characters sent as digits (as given: `a` stays lower case); `f`/`F` is a flash, which sends no digit. */
const DIGITS = '0123456789*#abcdABCD';
const FLASH = 'fF';

export interface DtmfTiming {
  readonly before?: number;
  readonly between?: number;
  readonly duration?: number;
  readonly after?: number;
}

/**
 * Send a digit string to the device (ARI sendDTMF, app_control_dtmf + ast_dtmf_stream): wait `before` and a
 * quiet 100 ms, then each digit for `duration` ms (100 at least) followed by `between` ms; `w` pauses half a second, `W` a
 * second. Any other character (`,` and `e` included) is skipped without a pause, as Asterisk only logs a
 * warning for it — the request itself is accepted. A hangup cuts it short.
 */
export async function streamDtmf(channel: Channel, digits: string, timing: DtmfTiming): Promise<void> {
  const between = Math.max(0, timing.between ?? 0) || DEFAULT_DTMF_BETWEEN_MS;
  // ast_senddigit never sends a digit shorter than the emulation default.
  const duration = Math.max(timing.duration ?? 0, DEFAULT_DTMF_DURATION_MS);
  await safeDelay(channel, Math.max(0, timing.before ?? 0));
  await safeDelay(channel, QUIET_BEFORE_MS);
  for (const digit of digits) {
    if (channel.isHangupRequested) return;
    if (digit === 'w' || digit === 'W') {
      await safeDelay(channel, digit === 'w' ? HALF_PAUSE_MS : FULL_PAUSE_MS);
      continue;
    }
    const isFlash = FLASH.includes(digit);
    if (!isFlash && !DIGITS.includes(digit)) continue;
    if (!isFlash) {
      channel.write({ kind: 'dtmf-begin', digit });
      await safeDelay(channel, duration);
      channel.write({ kind: 'dtmf-end', digit, durationMs: duration });
    }
    await safeDelay(channel, between);
  }
  await safeDelay(channel, Math.max(0, timing.after ?? 0));
}
