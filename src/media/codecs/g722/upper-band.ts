/*
 * Higher sub-band ADPCM (4–8 kHz) of ITU-T G.722: a 2-bit quantizer (sign + inner/outer level) with the same
 * Block 4 predictor as the lower band (blocks SUBTRA, QUANTH, INVQAH, LOGSCH, SCALEH; RECONS and LIMIT in the
 * decoder).
 */

import { BandState } from './band-state.js';
import { SUBBAND_MAX, SUBBAND_MIN, sat16 } from './fixed-point.js';
import { HIGH_SCALE_SHIFT, linearStepSize } from './step-size.js';
import { HIGH_DECISION_LEVEL, HIGH_INVERSE_2, HIGH_LOG_SCALE_MAX, HIGH_LOG_SCALE_STEP } from './tables.js';

/** Reset step size of the higher band (SCALEH of ∇H = 0). */
const HIGH_INITIAL_DET = 8;
/** LOGSCH leak: ∇H × (1 − 2^−7). */
const LOG_SCALE_LEAK = 127;
/** QUANTH codes: negative outer/inner, positive outer/inner. */
const CODE_NEGATIVE_OUTER = 0;
const CODE_NEGATIVE_INNER = 1;
const CODE_POSITIVE_OUTER = 2;
const CODE_POSITIVE_INNER = 3;

export function createUpperBand(): BandState {
  return new BandState(HIGH_INITIAL_DET);
}

/** Encodes one higher-band sample `xh` into a 2-bit code and advances the band state. */
export function encodeUpperBand(band: BandState, xh: number): number {
  const eh = sat16(xh - band.s); // SUBTRA
  const magnitude = eh < 0 ? -1 - eh : eh;
  const isOuter = magnitude >= (HIGH_DECISION_LEVEL * band.det) >> 12; // QUANTH
  let code: number;
  if (eh < 0) code = isOuter ? CODE_NEGATIVE_OUTER : CODE_NEGATIVE_INNER;
  else code = isOuter ? CODE_POSITIVE_OUTER : CODE_POSITIVE_INNER;
  adaptUpperBand(band, code);
  return code;
}

/** Decodes one 2-bit code into the reconstructed higher-band sample and advances the band state. */
export function decodeUpperBand(band: BandState, code: number): number {
  adaptUpperBand(band, code);
  // RECONS + LIMIT: the output is the reconstructed r(n) the predictor has just shifted into r1.
  const rh = band.r1;
  return rh > SUBBAND_MAX ? SUBBAND_MAX : rh < SUBBAND_MIN ? SUBBAND_MIN : rh;
}

function adaptUpperBand(band: BandState, code: number): void {
  const dq = (band.det * HIGH_INVERSE_2[code]!) >> 15; // INVQAH, with the step size before this sample's update
  // LOGSCH
  let logScale = ((band.logScale * LOG_SCALE_LEAK) >> 7) + HIGH_LOG_SCALE_STEP[code]!;
  if (logScale < 0) logScale = 0;
  else if (logScale > HIGH_LOG_SCALE_MAX) logScale = HIGH_LOG_SCALE_MAX;
  band.logScale = logScale;
  band.det = linearStepSize(logScale, HIGH_SCALE_SHIFT);
  band.adapt(dq);
}
