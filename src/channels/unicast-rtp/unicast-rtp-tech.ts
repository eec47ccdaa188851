import type { Channel } from '../../core/channel/channel.js';
import type { ChannelTech } from '../../core/channel/channel-tech.js';
import type { Frame } from '../../core/frame.js';

/**
 * The technology side of a UnicastRTP channel (chan_rtp.c `unicast_rtp_tech`). It has no signalling: a call is
 * answered at once (`rtp_call` queues ANSWER), indications are ignored, and its audio is the RTP edge's in the
 * media plane. Digits written to it go out as RFC 4733 events (not in Asterisk, which has no digit callbacks).
 */
export class UnicastRtpTech implements ChannelTech {
  readonly technology = 'UnicastRTP';

  constructor(
    /** Resolves true once the RTP is bound (the request's asynchronous part), false when it failed. */
    private readonly ready: Promise<boolean>,
    /** `g`: chan_rtp's glue hands out the RTP instance only with this option, and with it ARI's statistics. */
    private readonly hasGlue: boolean,
  ) {}

  call(channel: Channel): { ok: true } {
    // Queued, as ast_queue_control is: the dialer sees Dial "" first, then the answer. A request that failed
    // has destroyed the channel, which the dialer sees as its hangup.
    void this.ready.then((ok) => {
      if (ok && !channel.isDestroyed) channel.receive({ kind: 'control', indication: 'answer' });
    });
    return { ok: true };
  }

  answer(): void {}

  /** The media leg is closed by the channel itself; nothing else is held. */
  hangup(): void {}

  indicate(): void {}

  write(channel: Channel, frame: Frame): void {
    if (!channel.hasMedia) return;
    switch (frame.kind) {
      case 'dtmf-begin':
        channel.media?.send({ op: 'dtmf-begin', digit: frame.digit });
        return;
      case 'dtmf-end':
        channel.media?.send({ op: 'dtmf-end', digit: frame.digit, durationMs: frame.durationMs });
        return;
      case 'control':
        return;
    }
  }

  rtpStatistics(channel: Channel): Readonly<Record<string, number>> | undefined {
    // Without `g` chan_rtp's get_rtp_info forbids: ARI answers 404 (trace s3, externalMedia's channel).
    return this.hasGlue ? channel.media?.rtpStats() : undefined;
  }
}
