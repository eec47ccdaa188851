import type { ClockedSource } from '../pipeline.js';

/**
 * The silence generator (main/channel.c ast_channel_start_silence_generator): a frame of zero samples every
 * 20 ms for as long as it is the channel's generator. Its point is that RTP keeps flowing to a device that would
 * otherwise receive nothing (an idle channel in Stasis sends no packets at all).
 */
export class SilenceSource implements ClockedSource {
  fill(out: Int16Array): boolean {
    out.fill(0);
    return true;
  }

  release(): void {}
}
