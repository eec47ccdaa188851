/*
 * Constant tables of GSM 06.10 (ETSI EN 300 961) §5.4 / Table 5.1–5.3. All values are Q15 or Q-scaled words
 * exactly as the spec prints them; the index is the LAR number (0-based) or the code being looked up.
 */

/** Table 5.1: LAR quantiser slope A[i], one per log-area ratio. */
export const LAR_A: readonly number[] = [20480, 20480, 20480, 20480, 13964, 15360, 8534, 9036];
/** Table 5.1: LAR quantiser offset B[i]. */
export const LAR_B: readonly number[] = [0, 0, 2048, -2560, 94, -1792, -341, -1144];
/** Table 5.1: smallest coded LAR value MIC[i] (codes are sent as LARc − MIC, so non-negative). */
export const LAR_MIC: readonly number[] = [-32, -32, -16, -16, -8, -8, -4, -4];
/** Table 5.1: largest coded LAR value MAC[i]. */
export const LAR_MAC: readonly number[] = [31, 31, 15, 15, 7, 7, 3, 3];
/** Table 5.2: 1/A[i] in Q15, used by the LAR decoder. */
export const LAR_INVA: readonly number[] = [13107, 13107, 13107, 13107, 19223, 17476, 31454, 29708];

/** Table 5.3a: LTP gain decision levels DLB[bc]. */
export const LTP_DLB: readonly number[] = [6554, 16384, 26214, 32767];
/** Table 5.3b: LTP gain quantised values QLB[bc]. */
export const LTP_QLB: readonly number[] = [3277, 11469, 21299, 32767];

/** Table 5.4: impulse response H[0..10] of the RPE weighting filter (Q13; H[5] = 1.0). */
export const RPE_H: readonly number[] = [-134, -374, 0, 2054, 5741, 8192, 5741, 2054, 0, -374, -134];

/** Table 5.5: normalised inverse mantissa NRFAC[mant] used by the APCM quantiser. */
export const APCM_NRFAC: readonly number[] = [29128, 26215, 23832, 21846, 20165, 18725, 17476, 16384];
/** Table 5.6: normalised direct mantissa FAC[mant] used by the APCM inverse quantiser. */
export const APCM_FAC: readonly number[] = [18431, 20479, 22527, 24575, 26623, 28671, 30719, 32767];
