import type { Channel } from '../../core/channel/channel.js';
import type { ChannelTech } from '../../core/channel/channel-tech.js';
import type { Frame } from '../../core/frame.js';
import type { AwaitsStasis } from '../../core/media/websocket-protocol.js';
import type { WebSocketMediaConnection } from './media-connection.js';

/**
 * The technology side of a WebSocket media channel (chan_websocket's `websocket_tech`): `call` connects in client
 * mode, `hangup` closes the app's socket, and a DTMF end written to the channel becomes a DTMF_END event (its
 * `send_digit_end`). It has no `answer` or `indicate`: the app answers with ANSWER, and indications mean nothing
 * to it. Audio never comes through here: it flows in the media plane. It is also told, before the answer, which
 * Stasis application the channel will enter (for MEDIA_START's `m` extras).
 */
export class WebSocketTech implements ChannelTech, AwaitsStasis {
  readonly technology = 'WebSocket';
  /** Set by the driver once the channel and its media exist. */
  connection: WebSocketMediaConnection | undefined;

  constructor(private readonly onHangup: () => void) {}

  call(): { ok: true } | { ok: false; cause: number } {
    if (this.connection === undefined) return { ok: false, cause: 38 };
    this.connection.call();
    return { ok: true };
  }

  answer(): void {}

  expectStasis(app: string, args: readonly string[]): void {
    this.connection?.expectStasis(app, args);
  }

  hangup(): void {
    this.connection?.hangup();
    this.onHangup();
  }

  indicate(): void {}

  write(channel: Channel, frame: Frame): void {
    if (frame.kind === 'dtmf-end') channel.media?.send({ op: 'dtmf-end', digit: frame.digit, durationMs: frame.durationMs }); // prettier-ignore
  }
}
