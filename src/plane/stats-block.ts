/**
 * RTP statistics shared with the core without messages: each worker owns a block of Float64 slots in a
 * SharedArrayBuffer; an RTP edge takes a slot and writes its RTPstat fields there (every STATS_REFRESH_MS and when
 * asked), and the core reads them synchronously for ARI rtp_statistics and the RTPAUDIOQOS variables.
 */
import { RTP_STAT_FIELDS, STATS_SLOT_WIDTH, type RtpStatField } from '../core/media/media-protocol.js';

/** How often the engine rewrites the slots of its RTP edges. */
export const STATS_REFRESH_MS = 250;

/** Slots a block holds by default: one per concurrent RTP channel of a worker. */
export const DEFAULT_STATS_SLOTS = 8192;

export class StatsBlock {
  readonly view: Float64Array;
  readonly #free: number[] = [];

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(DEFAULT_STATS_SLOTS * STATS_SLOT_WIDTH * 8)) {
    this.view = new Float64Array(buffer);
    const slots = this.view.length / STATS_SLOT_WIDTH;
    for (let i = slots - 1; i >= 0; i--) this.#free.push(i);
  }

  /** A free slot, zeroed; undefined when every slot is taken (the channel then reports no statistics). */
  acquire(): number | undefined {
    const slot = this.#free.pop();
    if (slot !== undefined) this.view.fill(0, slot * STATS_SLOT_WIDTH, (slot + 1) * STATS_SLOT_WIDTH);
    return slot;
  }

  release(slot: number): void {
    this.view[slot * STATS_SLOT_WIDTH + RTP_STAT_FIELDS.length] = 0;
    this.#free.push(slot);
  }

  write(slot: number, stats: Readonly<Record<RtpStatField, number>>): void {
    const base = slot * STATS_SLOT_WIDTH;
    const v = this.view;
    for (let i = 0; i < RTP_STAT_FIELDS.length; i++) v[base + i] = stats[RTP_STAT_FIELDS[i]!];
    v[base + RTP_STAT_FIELDS.length] = 1;
  }
}
