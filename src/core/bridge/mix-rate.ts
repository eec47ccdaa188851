/**
 * The rate a mixing bridge mixes at, as softmix chooses it (bridge_softmix.c analyse_softmix_stats, without a
 * locked or maximum rate): it starts at 8 kHz; it rises to the highest rate any member speaks once two or more
 * members speak above the current rate (one wideband caller among narrowband ones does not make the bridge
 * wideband — nobody would hear the difference); it falls to the highest rate spoken when no member speaks at the
 * current rate or above. Asterisk re-weighs every hundredth mixing interval; here it is weighed on every change of
 * membership, so the rate follows at once.
 */

/** softmix's starting and lowest rate. */
export const MIN_MIX_RATE = 8000;
/** The highest rate the mixer runs at (16 kHz wideband). */
export const MAX_MIX_RATE = 16000;

export type MixRate = 8000 | 16000;

/** The next rate of a bridge mixing at `current` whose members speak `nativeRates`. */
export function nextMixRate(current: MixRate, nativeRates: Iterable<number>): MixRate {
  let highest = MIN_MIX_RATE;
  let above = 0;
  let atCurrent = 0;
  for (const raw of nativeRates) {
    const rate = Math.max(MIN_MIX_RATE, raw);
    if (rate > highest) highest = rate;
    if (rate > current) above++;
    else if (rate === current) atCurrent++;
  }
  if (above >= 2 || (above === 0 && atCurrent === 0)) return clamp(highest);
  return current;
}

function clamp(rate: number): MixRate {
  return rate >= MAX_MIX_RATE ? MAX_MIX_RATE : MIN_MIX_RATE;
}
