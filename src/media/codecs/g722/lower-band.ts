/*
 * Lower sub-band ADPCM (0–4 kHz) of ITU-T G.722 at 64 kbit/s: a 6-bit quantizer of the prediction error whose
 * step size and predictor are driven by the 4-bit truncation of the code (blocks SUBTRA, QUANTL, INVQAL,
 * LOGSCL, SCALEL in the encoder; INVQBL, RECONS, LIMIT plus the same adaptation in the decoder).
 */

import { BandState } from './band-state.js';
import { SUBBAND_MAX, SUBBAND_MIN, sat16 } from './fixed-point.js';
import { LOW_SCALE_SHIFT, linearStepSize } from './step-size.js';
import {
  LOW_DECISION_LEVELS,
  LOW_INTERVALS,
  LOW_INVERSE_4,
  LOW_INVERSE_6,
  LOW_LOG_SCALE_MAX,
  LOW_LOG_SCALE_STEP,
  lowCodeNegative,
  lowCodePositive,
} from './tables.js';

/** Reset step size of the lower band (SCALEL of ∇L = 0). */
const LOW_INITIAL_DET = 32;
/** LOGSCL leak: ∇L × (1 − 2^−7). */
const LOG_SCALE_LEAK = 127;

export function createLowerBand(): BandState {
  return new BandState(LOW_INITIAL_DET);
}

/** Encodes one lower-band sample `xl` into a 6-bit code and advances the band state. */
export function encodeLowerBand(band: BandState, xl: number): number {
  const el = sat16(xl - band.s); // SUBTRA
  // QUANTL: the magnitude of a negative error is taken as −(el + 1), i.e. the one's complement.
  const magnitude = el < 0 ? -1 - el : el;
  // The interval is the first m with magnitude < level[m] × det >> 12 (30 if none): the scaled levels are
  // non-decreasing, so a binary search over m = 1…30 finds it in five steps.
  const det = band.det;
  let lo = 1;
  let hi = LOW_INTERVALS;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (magnitude >= (LOW_DECISION_LEVELS[mid]! * det) >> 12) lo = mid + 1;
    else hi = mid;
  }
  const interval = lo;
  const code = el < 0 ? lowCodeNegative(interval) : lowCodePositive(interval);
  adaptLowerBand(band, code >> 2);
  return code;
}

/** Decodes one 6-bit code into the reconstructed lower-band sample and advances the band state. */
export function decodeLowerBand(band: BandState, code: number): number {
  // INVQBL + RECONS + LIMIT: the output uses all six bits …
  let rl = sat16(band.s + ((band.det * LOW_INVERSE_6[code]!) >> 15));
  if (rl > SUBBAND_MAX) rl = SUBBAND_MAX;
  else if (rl < SUBBAND_MIN) rl = SUBBAND_MIN;
  // … the adaptation only the four most significant, exactly as the encoder's.
  adaptLowerBand(band, code >> 2);
  return rl;
}

function adaptLowerBand(band: BandState, code4: number): void {
  const dq = (band.det * LOW_INVERSE_4[code4]!) >> 15; // INVQAL, with the step size before this sample's update
  // LOGSCL
  let logScale = ((band.logScale * LOG_SCALE_LEAK) >> 7) + LOW_LOG_SCALE_STEP[code4]!;
  if (logScale < 0) logScale = 0;
  else if (logScale > LOW_LOG_SCALE_MAX) logScale = LOW_LOG_SCALE_MAX;
  band.logScale = logScale;
  band.det = linearStepSize(logScale, LOW_SCALE_SHIFT);
  band.adapt(dq);
}
