/**
 * The parts of a channel's media pipeline (see media-channel.ts), as interfaces the plane's features implement:
 * an edge (the device), read and write taps, clocked write sources, and link targets.
 *
 * Audio is signed-linear PCM in Int16Array frames at 8000 or 16000 Hz. A frame handed to a tap or an edge is a
 * view its producer reuses: valid during the call only, so whoever keeps audio copies it.
 */

/** The device side of a channel: decodes what it receives (calling the channel's `read`), encodes what it sends. */
export interface MediaEdge {
  /** The rate the device speaks (8000 for G.711). Frames written at another rate are resampled by the channel. */
  readonly rate: number;
  /** Send one frame; `timestamp` (samples) when the frame came with one (RTP), for a mixer's jitter buffer. */
  write(samples: Int16Array, timestamp?: number): void;
  /** A digit toward the device (RFC 4733 or tones); edges without DTMF ignore it. */
  dtmfBegin?(digit: string): void;
  dtmfEnd?(digit: string, durationMs: number): void;
  /** The codec the edge sends, and a way to send a frame already in it (relaying without transcoding). */
  readonly codec?: string | undefined;
  /**
   * `lent`: the payload is the caller's buffer for this call only (a playout frame reused at the next tick); an edge
   * that keeps it copies it. Otherwise it is the received datagram's own buffer, never written again.
   */
  sendEncoded?(payload: Buffer, lent?: boolean): void;
  /** The edge's RTP statistics were asked for: write them into its slot now. */
  flushStats?(): void;
  close(): void;
}

/** Sees every frame read from the device, in tap order (recording, snoop, talk detection, DTMF detection). */
export interface ReadTap {
  onRead(samples: Int16Array, rate: number): void;
}

/** Sees every frame written to the device (snoop `spy=out`). */
export interface WriteTap {
  onWrite(samples: Int16Array, rate: number): void;
}

/** Mixes audio into a frame in place (snoop whisper). */
export interface Mixer {
  mix(samples: Int16Array, rate: number): void;
}

/** Which write slot a clocked source takes. Higher slots win; see media-channel.ts for Asterisk's rules. */
export type SourceSlot = 'digit' | 'stream' | 'generator';

/**
 * Audio generated on the media clock (playback, music on hold, silence, tones, in-band DTMF): asked for one
 * 20 ms frame per tick while it is the channel's active source.
 */
export interface ClockedSource {
  /**
   * Fill `out` (20 ms at `rate`); false when the source has ended (nothing was written); `'idle'` when the source
   * stays but has nothing to send this tick (a paused playback): no frame goes out, and it still holds the write
   * path, so linked audio stays held back too.
   */
  fill(out: Int16Array, rate: number): boolean | 'idle';
  /** The source is no longer the channel's: replaced, stopped, or the channel closed. */
  release(): void;
}

/** Where a channel's read audio goes when linked: another channel here, or one in another worker. */
export interface LinkTarget {
  writeLinked(samples: Int16Array, rate: number, timestamp?: number): void;
}

/** Samples in one 20 ms frame at `rate`. */
export function frameSamples(rate: number): number {
  return (rate / 1000) * FRAME_MS;
}

/** The media clock's period: every generated frame is this long (Asterisk's 20 ms default framing). */
export const FRAME_MS = 20;

/** The highest rate frames have (16 kHz wideband). */
export const MAX_RATE = 16000;
