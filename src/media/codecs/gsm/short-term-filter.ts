/*
 * GSM 06.10 short-term (LPC) filtering with reflection coefficients interpolated per segment:
 * §4.2.10 the encoder's lattice analysis filter, producing the short-term residual d in place of s, and
 * §4.3.4 the decoder's lattice synthesis filter, rebuilding speech from the long-term output.
 * Each keeps the LARpp of the previous frame (two alternating sets) and its own lattice memory.
 */

import { add, multR, sub } from './arith.js';
import { LAR_COUNT } from './frame-params.js';
import { SEGMENTS, SEGMENT_ENDS, SEGMENT_STARTS, decodeLars, segmentRp } from './lar-interpolation.js';

/** The two alternating LARpp sets (previous frame, this frame). */
class LarHistory {
  readonly larpp = new Int16Array(2 * LAR_COUNT);
  readonly rp = new Int16Array(LAR_COUNT);
  #current = 0;

  /** Decodes this frame's LARc and returns the offset of the previous frame's set; `current` is the other. */
  advance(larc: Int16Array): number {
    const prev = this.#current;
    this.#current = LAR_COUNT - prev;
    decodeLars(larc, this.larpp, this.#current);
    return prev;
  }

  get current(): number {
    return this.#current;
  }
}

export class ShortTermAnalysisFilter {
  readonly #lars = new LarHistory();
  /** Lattice memory u[0..7]. */
  readonly #u = new Int16Array(LAR_COUNT);

  /** Filters the frame s[0..160) in place into the short-term residual d. */
  run(larc: Int16Array, s: Int16Array): void {
    const lars = this.#lars;
    const prev = lars.advance(larc);
    const rp = lars.rp;
    const u = this.#u;
    const order = LAR_COUNT; // locals: see the speed note in arith.ts
    for (let seg = 0; seg < SEGMENTS; seg++) {
      segmentRp(lars.larpp, prev, lars.current, seg, rp);
      for (let k = SEGMENT_STARTS[seg]!, end = SEGMENT_ENDS[seg]!; k < end; k++) {
        let d = s[k]!;
        let sav = d;
        for (let i = 0; i < order; i++) {
          const ui = u[i]!;
          const rpi = rp[i]!;
          u[i] = sav;
          sav = add(ui, multR(rpi, d));
          d = add(d, multR(rpi, ui));
        }
        s[k] = d;
      }
    }
  }
}

export class ShortTermSynthesisFilter {
  readonly #lars = new LarHistory();
  /** Lattice memory v[0..8]. */
  readonly #v = new Int16Array(LAR_COUNT + 1);

  /** Synthesises sr[0..160) from the long-term filter output wt[0..160). */
  run(larc: Int16Array, wt: Int16Array, sr: Int16Array): void {
    const lars = this.#lars;
    const prev = lars.advance(larc);
    const rrp = lars.rp;
    const v = this.#v;
    const order = LAR_COUNT; // locals: see the speed note in arith.ts
    for (let seg = 0; seg < SEGMENTS; seg++) {
      segmentRp(lars.larpp, prev, lars.current, seg, rrp);
      for (let k = SEGMENT_STARTS[seg]!, end = SEGMENT_ENDS[seg]!; k < end; k++) {
        let sri = wt[k]!;
        for (let i = order - 1; i >= 0; i--) {
          const rri = rrp[i]!;
          const vi = v[i]!;
          sri = sub(sri, multR(rri, vi));
          v[i + 1] = add(vi, multR(rri, sri));
        }
        v[0] = sri;
        sr[k] = sri;
      }
    }
  }
}
