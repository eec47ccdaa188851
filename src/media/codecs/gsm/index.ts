/*
 * GSM 06.10 full-rate speech codec (RPE-LTP, 13 kbit/s): RTP payload type 3 (RFC 3551 §4.5.8) and the
 * `.gsm` file format of Asterisk and sox — 33-byte frames of 160 samples at 8 kHz, bit-exact with libgsm.
 */

export { GSM_FRAME_BYTES } from './frame-packing.js';
export { GSM_FRAME_SAMPLES } from './frame-params.js';
export { GsmEncoder } from './encoder.js';
export { GsmDecoder } from './decoder.js';
