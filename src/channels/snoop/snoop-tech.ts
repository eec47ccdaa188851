import type { ChannelTech } from '../../core/channel/channel-tech.js';

/**
 * The technology side of a snoop channel (res_stasis_snoop.c `snoop_tech`). It has no device: its audio is the
 * target's, handled in the media plane (the snoop edge), so it ignores indications and non-voice frames, and it
 * cannot be called.
 */
export class SnoopTech implements ChannelTech {
  readonly technology = 'Snoop';
  /** A snoop channel that ends by itself (its target gone, its app missing) is destroyed with cause 0 "Unknown". */
  readonly keepsUnknownCause = true;

  call(): { ok: false; cause: number } {
    return { ok: false, cause: 0 };
  }

  answer(): void {}

  hangup(): void {}

  indicate(): void {}

  write(): void {}
}
