import type { Core } from '../../core/core.js';
import type { ControlIndication } from '../../core/frame.js';
import { safeDelay } from '../../core/stasis/safe-delay.js';
import { AriError, type BoundArgs, type Handler } from '../handler.js';
import { int, str } from './args.js';

/** ARI `dtmf` characters; `w`/`W` wait half a second, `,` too (main/dsp/app.c ast_dtmf_stream). */
const DTMF = /^[0-9A-Da-d*#wW,]+$/;

function direction(args: BoundArgs): { in: boolean; out: boolean } {
  const d = str(args, 'direction');
  // The documented default (both) is not applied by Asterisk: absent is an error (§6.8, quirk 6).
  if (d === undefined || d === '') throw new AriError(400, 'Direction is required');
  if (d === 'both') return { in: true, out: true };
  if (d === 'in') return { in: true, out: false };
  if (d === 'out') return { in: false, out: true };
  throw new AriError(400, 'Invalid direction specified');
}

export function channelControlHandlers(core: Core): Record<string, Handler> {
  /** Queue an indication on an answered Stasis channel and answer 204 at once (§6.4). */
  const indicate = (indication: ControlIndication): Handler => {
    return (args) => {
      const { channel, control } = core.requireAnswerable(str(args, 'channelId') ?? '');
      void control.run(() => channel.indicate(indication));
      return undefined;
    };
  };
  return {
    answer: (args) => {
      const { channel, control } = core.requireAnswerable(str(args, 'channelId') ?? '');
      void control.run(() => channel.answer());
      return undefined;
    },
    ring: indicate('ringing'),
    ringStop: indicate('stop'),
    progress: indicate('progress'),
    hold: indicate('hold'),
    unhold: indicate('unhold'),

    mute: (args) => {
      const { channel, control } = core.requireAnswerable(str(args, 'channelId') ?? '');
      const d = direction(args);
      void control.run(() => {
        if (d.in) channel.mutedIn = true;
        if (d.out) channel.mutedOut = true;
      });
      return undefined;
    },

    unmute: (args) => {
      const { channel, control } = core.requireAnswerable(str(args, 'channelId') ?? '');
      const d = direction(args);
      void control.run(() => {
        if (d.in) channel.mutedIn = false;
        if (d.out) channel.mutedOut = false;
      });
      return undefined;
    },

    sendDTMF: (args) => {
      const { channel, control } = core.requireAnswerable(str(args, 'channelId') ?? '');
      const dtmf = str(args, 'dtmf');
      if (!dtmf) throw new AriError(400, 'DTMF is required');
      if (!DTMF.test(dtmf)) throw new AriError(400, 'Invalid DTMF digits');
      const before = Math.max(0, int(args, 'before', 0));
      const between = Math.max(0, int(args, 'between', 100) || 100);
      const duration = Math.max(0, int(args, 'duration', 100) || 100);
      const after = Math.max(0, int(args, 'after', 0));
      // Digits are streamed on the channel's command queue: later commands wait for them (§6.4).
      void control.run(async () => {
        await safeDelay(channel, before);
        for (const ch of dtmf) {
          if (channel.isHangupRequested) return;
          if (ch === 'w' || ch === 'W' || ch === ',') {
            await safeDelay(channel, 500);
            continue;
          }
          const digit = ch.toUpperCase();
          channel.write({ kind: 'dtmf-begin', digit });
          await safeDelay(channel, duration);
          channel.write({ kind: 'dtmf-end', digit, durationMs: duration });
          await safeDelay(channel, between);
        }
        await safeDelay(channel, after);
      });
      return undefined;
    },
  };
}
