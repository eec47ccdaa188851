import { safeDelay } from '../stasis/safe-delay.js';
import type { Channel } from './channel.js';

/** Gap between digits when none (or 0) is given (ast_dtmf_stream). */
export const DEFAULT_DTMF_BETWEEN_MS = 100;
/** Length of each digit when none (or 0) is given (AST_DEFAULT_EMULATE_DTMF_DURATION). */
export const DEFAULT_DTMF_DURATION_MS = 100;
/** What `w`, `W` and `,` in a digit string wait. */
const PAUSE_MS = 500;

export interface DtmfTiming {
  readonly before?: number;
  readonly between?: number;
  readonly duration?: number;
  readonly after?: number;
}

/**
 * Send a digit string to the device (ARI sendDTMF, app_control_dtmf + ast_dtmf_stream): wait `before`, then
 * each digit for `duration` ms with `between` ms gaps; `w`/`W`/`,` pause half a second. A hangup cuts it short.
 */
export async function streamDtmf(channel: Channel, digits: string, timing: DtmfTiming): Promise<void> {
  const between = Math.max(0, timing.between ?? 0) || DEFAULT_DTMF_BETWEEN_MS;
  const duration = Math.max(0, timing.duration ?? 0) || DEFAULT_DTMF_DURATION_MS;
  await safeDelay(channel, Math.max(0, timing.before ?? 0));
  for (const ch of digits) {
    if (channel.isHangupRequested) return;
    if (ch === 'w' || ch === 'W' || ch === ',') {
      await safeDelay(channel, PAUSE_MS);
      continue;
    }
    const digit = ch.toUpperCase();
    channel.write({ kind: 'dtmf-begin', digit });
    await safeDelay(channel, duration);
    channel.write({ kind: 'dtmf-end', digit, durationMs: duration });
    await safeDelay(channel, between);
  }
  await safeDelay(channel, Math.max(0, timing.after ?? 0));
}
