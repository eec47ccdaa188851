/*
 * ITU-T G.722 wideband speech codec, 64 kbit/s mode (SB-ADPCM): 16 kHz PCM in, one octet per two samples out.
 * Bit-exact with the ITU-T G.191 reference tool (checked on its test sequences inpsp, codspw and outsp1) and
 * with spandsp / ffmpeg; the one place those differ for an encoder — the transmit QMF limit, which only
 * full-scale input reaches — is `G722EncoderOptions`. The 56 and 48 kbit/s modes (auxiliary data channel) are
 * not implemented.
 */

export { G722Encoder, type G722EncoderOptions } from './encoder.js';
export { G722Decoder } from './decoder.js';

/**
 * RTP clock rate of G.722. RFC 3551 §4.5.2: although G.722 samples at 16 kHz, its RTP clock rate is 8000 Hz —
 * an error in RFC 1890 kept for backward compatibility — so a 20 ms packet of 160 octets advances the RTP
 * timestamp by 160, not 320. SDP likewise says `G722/8000`.
 */
export const G722_RTP_CLOCK_RATE = 8000;

/** Static RTP payload type of G.722 (RFC 3551 §6, Table 4). */
export const G722_PAYLOAD_TYPE = 9;

/** Sample rate of the PCM the codec consumes and produces. */
export const G722_SAMPLE_RATE = 16000;
